import type { Migration } from '../migration.ts';

/**
 * The PostgreSQL schema, one step at a time; a released step is never edited. Timestamps are
 * ISO 8601 text, not `timestamptz`, so that a stored time comes back as the very string that
 * was written (the API echoes them) and sorts as text the way SQLite sorts it. Text that is
 * ordered or compared uses the `C` collation for the same reason: byte order, whatever the
 * database's locale. JSON is `json`, not `jsonb`, because `jsonb` reorders object keys and
 * rule replacement compares action parameters as written.
 */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE DOMAIN ctext AS text COLLATE "C";

      CREATE TABLE config_version (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        version bigint NOT NULL
      );
      INSERT INTO config_version (version) VALUES (0);

      CREATE TABLE accounts (
        id ctext PRIMARY KEY,
        name ctext NOT NULL,
        created_on ctext NOT NULL
      );

      CREATE TABLE zones (
        id ctext PRIMARY KEY,
        account_id ctext NOT NULL REFERENCES accounts(id),
        name ctext NOT NULL UNIQUE,
        paused boolean NOT NULL DEFAULT false,
        created_on ctext NOT NULL,
        modified_on ctext NOT NULL
      );
      CREATE INDEX zones_account ON zones(account_id);

      CREATE TABLE certificate_authorities (
        id ctext PRIMARY KEY,
        account_id ctext NOT NULL REFERENCES accounts(id),
        kind ctext NOT NULL CHECK (kind IN ('managed', 'uploaded')),
        name ctext NOT NULL,
        certificate_pem ctext NOT NULL,
        sealed_private_key bytea,
        crl_number integer NOT NULL DEFAULT 0,
        crl_der bytea,
        created_on ctext NOT NULL,
        modified_on ctext NOT NULL
      );
      CREATE INDEX certificate_authorities_account ON certificate_authorities(account_id);

      CREATE TABLE hosts (
        id ctext PRIMARY KEY,
        zone_id ctext NOT NULL REFERENCES zones(id),
        hostname ctext NOT NULL UNIQUE,
        origin ctext NOT NULL,
        mtls_enabled boolean NOT NULL DEFAULT false,
        certificate_authority_id ctext REFERENCES certificate_authorities(id),
        identity_headers json NOT NULL DEFAULT '{}',
        created_on ctext NOT NULL,
        modified_on ctext NOT NULL
      );
      CREATE INDEX hosts_zone ON hosts(zone_id);
      CREATE INDEX hosts_certificate_authority ON hosts(certificate_authority_id);

      CREATE TABLE client_certificates (
        id ctext PRIMARY KEY,
        zone_id ctext NOT NULL REFERENCES zones(id),
        certificate_authority_id ctext NOT NULL REFERENCES certificate_authorities(id),
        serial_number ctext NOT NULL,
        fingerprint_sha256 ctext NOT NULL,
        certificate_pem ctext NOT NULL,
        csr_pem ctext NOT NULL,
        common_name ctext NOT NULL,
        status ctext NOT NULL,
        validity_days integer NOT NULL,
        issued_on ctext NOT NULL,
        expires_on ctext NOT NULL,
        revoked_on ctext,
        details json NOT NULL DEFAULT '{}',
        sealed_private_key bytea,
        status_version bigint NOT NULL DEFAULT 0,
        seq bigint NOT NULL,
        UNIQUE (certificate_authority_id, serial_number)
      );
      CREATE INDEX client_certificates_zone ON client_certificates(zone_id, seq);
      CREATE INDEX client_certificates_ca_status
        ON client_certificates(certificate_authority_id, status);

      CREATE TABLE custom_certificates (
        id ctext PRIMARY KEY,
        zone_id ctext NOT NULL REFERENCES zones(id),
        certificate_pem ctext NOT NULL,
        sealed_private_key bytea NOT NULL,
        hosts json NOT NULL,
        issuer ctext NOT NULL,
        signature ctext NOT NULL,
        bundle_method ctext NOT NULL,
        priority integer NOT NULL DEFAULT 0,
        expires_on ctext NOT NULL,
        uploaded_on ctext NOT NULL,
        modified_on ctext NOT NULL,
        seq bigint NOT NULL
      );
      CREATE INDEX custom_certificates_zone ON custom_certificates(zone_id, seq);

      CREATE TABLE rules (
        id ctext PRIMARY KEY,
        zone_id ctext NOT NULL REFERENCES zones(id),
        position integer NOT NULL,
        action ctext NOT NULL,
        expression ctext NOT NULL,
        description ctext NOT NULL DEFAULT '',
        enabled boolean NOT NULL DEFAULT true,
        ref ctext NOT NULL DEFAULT '',
        action_parameters json,
        version integer NOT NULL DEFAULT 1,
        last_updated ctext NOT NULL,
        filter_id ctext UNIQUE
      );
      CREATE INDEX rules_zone ON rules(zone_id, position);

      CREATE TABLE rulesets (
        zone_id ctext PRIMARY KEY REFERENCES zones(id),
        id ctext NOT NULL UNIQUE,
        name ctext NOT NULL,
        description ctext NOT NULL DEFAULT '',
        version integer NOT NULL,
        last_updated ctext NOT NULL
      );

      CREATE TABLE filters (
        id ctext PRIMARY KEY,
        zone_id ctext NOT NULL REFERENCES zones(id),
        expression ctext NOT NULL,
        description ctext NOT NULL DEFAULT '',
        paused boolean NOT NULL DEFAULT false,
        ref ctext NOT NULL DEFAULT '',
        created_on ctext NOT NULL,
        seq bigint NOT NULL
      );
      CREATE INDEX filters_zone ON filters(zone_id, seq);

      CREATE TABLE lists (
        id ctext PRIMARY KEY,
        account_id ctext NOT NULL REFERENCES accounts(id),
        name ctext NOT NULL,
        kind ctext NOT NULL CHECK (kind IN ('ip', 'hostname', 'asn')),
        description ctext NOT NULL DEFAULT '',
        created_on ctext NOT NULL,
        modified_on ctext NOT NULL,
        UNIQUE (account_id, name)
      );

      CREATE TABLE list_items (
        id ctext PRIMARY KEY,
        list_id ctext NOT NULL REFERENCES lists(id),
        value ctext NOT NULL,
        comment ctext NOT NULL DEFAULT '',
        created_on ctext NOT NULL,
        modified_on ctext NOT NULL,
        seq bigint NOT NULL,
        UNIQUE (list_id, value)
      );
      CREATE INDEX list_items_list ON list_items(list_id, seq);

      CREATE TABLE list_operations (
        id ctext PRIMARY KEY,
        account_id ctext NOT NULL,
        status ctext NOT NULL,
        error ctext,
        completed ctext
      );

      CREATE TABLE api_tokens (
        id ctext PRIMARY KEY,
        name ctext NOT NULL,
        secret_hash ctext NOT NULL UNIQUE,
        status ctext NOT NULL,
        policies json NOT NULL,
        issued_on ctext NOT NULL,
        modified_on ctext NOT NULL,
        expires_on ctext,
        last_used_on ctext,
        seq bigint NOT NULL
      );

      CREATE TABLE audit_log (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id ctext NOT NULL UNIQUE,
        account_id ctext NOT NULL,
        actor ctext NOT NULL,
        action ctext NOT NULL,
        resource_type ctext NOT NULL,
        resource_id ctext NOT NULL,
        zone_id ctext,
        before json,
        after json,
        at ctext NOT NULL
      );
      CREATE INDEX audit_log_account ON audit_log(account_id, at);

      CREATE TABLE firewall_events (
        id ctext PRIMARY KEY,
        time bigint NOT NULL,
        zone_id ctext NOT NULL,
        host ctext NOT NULL,
        rule_id ctext,
        action ctext NOT NULL,
        reason ctext NOT NULL,
        client_ip ctext NOT NULL,
        method ctext NOT NULL,
        path ctext NOT NULL,
        cert_fingerprint ctext,
        cert_serial ctext,
        ray_id ctext NOT NULL
      );
      CREATE INDEX firewall_events_zone_time ON firewall_events(zone_id, time, id);
      CREATE INDEX firewall_events_time ON firewall_events(time);

      CREATE TABLE event_rollups (
        zone_id ctext NOT NULL,
        hour bigint NOT NULL,
        dim ctext NOT NULL,
        value ctext NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (zone_id, dim, hour, value)
      );
      CREATE TABLE event_rollups_daily (
        zone_id ctext NOT NULL,
        day bigint NOT NULL,
        dim ctext NOT NULL,
        value ctext NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (zone_id, dim, day, value)
      );
      CREATE TABLE event_minutes (
        zone_id ctext NOT NULL,
        minute bigint NOT NULL,
        action ctext NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (zone_id, minute, action)
      );
    `,
  },
  {
    version: 2,
    name: 'edges and change log',
    sql: `
      CREATE TABLE edges (
        id ctext PRIMARY KEY,
        name ctext NOT NULL,
        role ctext NOT NULL,
        applied_version bigint NOT NULL,
        source ctext NOT NULL,
        first_seen ctext NOT NULL,
        last_seen ctext NOT NULL
      );

      -- What each configuration version changed, for listeners that missed its notification.
      CREATE TABLE config_changes (
        version bigint PRIMARY KEY,
        items jsonb NOT NULL
      );
    `,
  },
];
