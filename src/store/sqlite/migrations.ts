import type { Migration } from '../migration.ts';

/**
 * The SQLite schema, one step at a time. A step is never edited once released: a change to
 * the schema is a new step at the end.
 */
export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO meta (key, value) VALUES ('config_version', 0);

      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_on TEXT NOT NULL
      );

      CREATE TABLE zones (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL UNIQUE,
        paused INTEGER NOT NULL DEFAULT 0,
        created_on TEXT NOT NULL,
        modified_on TEXT NOT NULL
      );
      CREATE INDEX zones_account ON zones(account_id);

      CREATE TABLE certificate_authorities (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        kind TEXT NOT NULL CHECK (kind IN ('managed', 'uploaded')),
        name TEXT NOT NULL,
        certificate_pem TEXT NOT NULL,
        sealed_private_key BLOB,
        crl_number INTEGER NOT NULL DEFAULT 0,
        crl_der BLOB,
        created_on TEXT NOT NULL,
        modified_on TEXT NOT NULL
      );
      CREATE INDEX certificate_authorities_account ON certificate_authorities(account_id);

      CREATE TABLE hosts (
        id TEXT PRIMARY KEY,
        zone_id TEXT NOT NULL REFERENCES zones(id),
        hostname TEXT NOT NULL UNIQUE,
        origin TEXT NOT NULL,
        mtls_enabled INTEGER NOT NULL DEFAULT 0,
        certificate_authority_id TEXT REFERENCES certificate_authorities(id),
        identity_headers TEXT NOT NULL DEFAULT '{}',
        created_on TEXT NOT NULL,
        modified_on TEXT NOT NULL
      );
      CREATE INDEX hosts_zone ON hosts(zone_id);

      CREATE TABLE client_certificates (
        id TEXT PRIMARY KEY,
        zone_id TEXT NOT NULL REFERENCES zones(id),
        certificate_authority_id TEXT NOT NULL REFERENCES certificate_authorities(id),
        serial_number TEXT NOT NULL,
        fingerprint_sha256 TEXT NOT NULL,
        certificate_pem TEXT NOT NULL,
        csr_pem TEXT NOT NULL,
        common_name TEXT NOT NULL,
        status TEXT NOT NULL,
        validity_days INTEGER NOT NULL,
        issued_on TEXT NOT NULL,
        expires_on TEXT NOT NULL,
        revoked_on TEXT,
        details TEXT NOT NULL DEFAULT '{}',
        sealed_private_key BLOB,
        status_version INTEGER NOT NULL DEFAULT 0,
        seq INTEGER NOT NULL,
        UNIQUE (certificate_authority_id, serial_number)
      );
      CREATE INDEX client_certificates_zone ON client_certificates(zone_id, seq);
      CREATE INDEX client_certificates_ca_status
        ON client_certificates(certificate_authority_id, status);

      CREATE TABLE rules (
        id TEXT PRIMARY KEY,
        zone_id TEXT NOT NULL REFERENCES zones(id),
        position INTEGER NOT NULL,
        action TEXT NOT NULL,
        expression TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 1,
        ref TEXT NOT NULL DEFAULT '',
        action_parameters TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        last_updated TEXT NOT NULL
      );
      CREATE INDEX rules_zone ON rules(zone_id, position);

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        policies TEXT NOT NULL,
        issued_on TEXT NOT NULL,
        modified_on TEXT NOT NULL,
        expires_on TEXT,
        last_used_on TEXT,
        seq INTEGER NOT NULL
      );

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        zone_id TEXT,
        before TEXT,
        after TEXT,
        at TEXT NOT NULL
      );
      CREATE INDEX audit_log_account ON audit_log(account_id, at);

      CREATE TABLE firewall_events (
        id TEXT PRIMARY KEY,
        time INTEGER NOT NULL,
        zone_id TEXT NOT NULL,
        host TEXT NOT NULL,
        rule_id TEXT,
        action TEXT NOT NULL,
        reason TEXT NOT NULL,
        client_ip TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        cert_fingerprint TEXT,
        cert_serial TEXT,
        ray_id TEXT NOT NULL
      );
      CREATE INDEX firewall_events_zone_time ON firewall_events(zone_id, time, id);
      CREATE INDEX firewall_events_time ON firewall_events(time);
    `,
  },
  {
    version: 2,
    name: 'rulesets and lists',
    sql: `
      CREATE TABLE rulesets (
        zone_id TEXT PRIMARY KEY REFERENCES zones(id),
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL,
        last_updated TEXT NOT NULL
      );

      CREATE TABLE lists (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('ip', 'hostname', 'asn')),
        description TEXT NOT NULL DEFAULT '',
        created_on TEXT NOT NULL,
        modified_on TEXT NOT NULL,
        UNIQUE (account_id, name)
      );

      CREATE TABLE list_items (
        id TEXT PRIMARY KEY,
        list_id TEXT NOT NULL REFERENCES lists(id),
        value TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        created_on TEXT NOT NULL,
        modified_on TEXT NOT NULL,
        seq INTEGER NOT NULL,
        UNIQUE (list_id, value)
      );
      CREATE INDEX list_items_list ON list_items(list_id, seq);

      CREATE TABLE list_operations (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        completed TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'legacy filters',
    sql: `
      ALTER TABLE rules ADD COLUMN filter_id TEXT;
      CREATE UNIQUE INDEX rules_filter ON rules(filter_id);

      CREATE TABLE filters (
        id TEXT PRIMARY KEY,
        zone_id TEXT NOT NULL REFERENCES zones(id),
        expression TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        paused INTEGER NOT NULL DEFAULT 0,
        ref TEXT NOT NULL DEFAULT '',
        created_on TEXT NOT NULL,
        seq INTEGER NOT NULL
      );
      CREATE INDEX filters_zone ON filters(zone_id, seq);
    `,
  },
  {
    version: 4,
    name: 'custom certificates',
    sql: `
      CREATE TABLE custom_certificates (
        id TEXT PRIMARY KEY,
        zone_id TEXT NOT NULL REFERENCES zones(id),
        certificate_pem TEXT NOT NULL,
        sealed_private_key BLOB NOT NULL,
        hosts TEXT NOT NULL,
        issuer TEXT NOT NULL,
        signature TEXT NOT NULL,
        bundle_method TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        expires_on TEXT NOT NULL,
        uploaded_on TEXT NOT NULL,
        modified_on TEXT NOT NULL,
        seq INTEGER NOT NULL
      );
      CREATE INDEX custom_certificates_zone ON custom_certificates(zone_id, seq);
    `,
  },
  {
    version: 5,
    name: 'event rollups',
    sql: `
      CREATE TABLE event_rollups (
        zone_id TEXT NOT NULL,
        hour INTEGER NOT NULL,
        dim TEXT NOT NULL,
        value TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (zone_id, dim, hour, value)
      ) WITHOUT ROWID;
      CREATE TABLE event_minutes (
        zone_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        action TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (zone_id, minute, action)
      ) WITHOUT ROWID;
      INSERT INTO event_minutes (zone_id, minute, action, n)
        SELECT zone_id, time / 60000, action, COUNT(*) FROM firewall_events GROUP BY 1, 2, 3;
      INSERT INTO event_rollups (zone_id, hour, dim, value, n)
        SELECT zone_id, time / 3600000, 'rule', rule_id, COUNT(*) FROM firewall_events
        WHERE rule_id IS NOT NULL GROUP BY 1, 2, 4;
      INSERT INTO event_rollups (zone_id, hour, dim, value, n)
        SELECT zone_id, time / 3600000, 'host', host, COUNT(*) FROM firewall_events
        GROUP BY 1, 2, 4;
      INSERT INTO event_rollups (zone_id, hour, dim, value, n)
        SELECT zone_id, time / 3600000, 'reason', reason, COUNT(*) FROM firewall_events
        GROUP BY 1, 2, 4;
      INSERT INTO event_rollups (zone_id, hour, dim, value, n)
        SELECT zone_id, time / 3600000, 'cert', cert_fingerprint, COUNT(*) FROM firewall_events
        WHERE cert_fingerprint IS NOT NULL GROUP BY 1, 2, 4;
      INSERT INTO event_rollups (zone_id, hour, dim, value, n)
        SELECT zone_id, time / 3600000, 'action', action, COUNT(*) FROM firewall_events
        GROUP BY 1, 2, 4;
      CREATE TABLE event_rollups_daily (
        zone_id TEXT NOT NULL,
        day INTEGER NOT NULL,
        dim TEXT NOT NULL,
        value TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (zone_id, dim, day, value)
      ) WITHOUT ROWID;
      INSERT INTO event_rollups_daily (zone_id, day, dim, value, n)
        SELECT zone_id, hour / 24, dim, value, SUM(n) FROM event_rollups GROUP BY 1, 2, 3, 4;
    `,
  },
  {
    version: 6,
    name: 'edges and change log',
    sql: `
      CREATE TABLE edges (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        applied_version INTEGER NOT NULL,
        source TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
      );

      -- What each configuration version changed, for stores in other processes that follow
      -- the feed by polling the version.
      CREATE TABLE config_changes (
        version INTEGER PRIMARY KEY,
        items TEXT NOT NULL
      );
    `,
  },
];
