import type {
  Account,
  ApiToken,
  AuditEntry,
  CertificateAuthority,
  ClientCertificate,
  CustomCertificate,
  EdgeNode,
  Filter,
  FirewallEvent,
  Host,
  ListItem,
  ListOperation,
  Rule,
  RuleList,
  RulesetInfo,
  Zone,
} from '../types.ts';

/** A row as a driver returns it: column names to values. */
export type Row = Record<string, unknown>;

/**
 * How a driver returns the columns that the two dialects store differently: booleans (SQLite
 * 0/1, PostgreSQL `boolean`) and JSON (SQLite text, PostgreSQL `json`, which node-postgres
 * parses). The rest reads alike: text as strings, binary as a Buffer, integers as numbers.
 */
export interface RowDialect {
  bool(v: unknown): boolean;
  json<T>(v: unknown): T;
}

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v === null ? null : (v as string));
const bytesOrNull = (v: unknown): Uint8Array | null =>
  v === null ? null : new Uint8Array(v as Buffer);

/** The mapping of every table's rows to records, for a driver that reads as `dialect` says. */
export function rowMappers(dialect: RowDialect) {
  const { bool, json } = dialect;
  const jsonOrNull = <T>(v: unknown): T | null => (v === null ? null : json<T>(v));
  return {
    toAccount: (r: Row): Account => ({
      id: str(r.id),
      name: str(r.name),
      createdOn: str(r.created_on),
    }),
    toZone: (r: Row): Zone => ({
      id: str(r.id),
      accountId: str(r.account_id),
      name: str(r.name),
      paused: bool(r.paused),
      createdOn: str(r.created_on),
      modifiedOn: str(r.modified_on),
    }),
    toHost: (r: Row): Host => ({
      id: str(r.id),
      zoneId: str(r.zone_id),
      hostname: str(r.hostname),
      origin: str(r.origin),
      mtlsEnabled: bool(r.mtls_enabled),
      certificateAuthorityId: strOrNull(r.certificate_authority_id),
      identityHeaders: json(r.identity_headers),
      createdOn: str(r.created_on),
      modifiedOn: str(r.modified_on),
    }),
    toCertificateAuthority: (r: Row): CertificateAuthority => ({
      id: str(r.id),
      accountId: str(r.account_id),
      kind: str(r.kind) as CertificateAuthority['kind'],
      name: str(r.name),
      certificatePem: str(r.certificate_pem),
      sealedPrivateKey: bytesOrNull(r.sealed_private_key),
      crlNumber: r.crl_number as number,
      crlDer: bytesOrNull(r.crl_der),
      createdOn: str(r.created_on),
      modifiedOn: str(r.modified_on),
    }),
    toClientCertificate: (r: Row): ClientCertificate => ({
      id: str(r.id),
      zoneId: str(r.zone_id),
      certificateAuthorityId: str(r.certificate_authority_id),
      serialNumber: str(r.serial_number),
      fingerprintSha256: str(r.fingerprint_sha256),
      certificatePem: str(r.certificate_pem),
      csrPem: str(r.csr_pem),
      commonName: str(r.common_name),
      status: str(r.status) as ClientCertificate['status'],
      validityDays: r.validity_days as number,
      issuedOn: str(r.issued_on),
      expiresOn: str(r.expires_on),
      revokedOn: strOrNull(r.revoked_on),
      details: json(r.details),
      sealedPrivateKey: bytesOrNull(r.sealed_private_key),
      statusVersion: r.status_version as number,
    }),
    toCustomCertificate: (r: Row): CustomCertificate => ({
      id: str(r.id),
      zoneId: str(r.zone_id),
      certificatePem: str(r.certificate_pem),
      sealedPrivateKey: new Uint8Array(r.sealed_private_key as Buffer),
      hosts: json(r.hosts),
      issuer: str(r.issuer),
      signature: str(r.signature),
      bundleMethod: str(r.bundle_method),
      priority: r.priority as number,
      expiresOn: str(r.expires_on),
      uploadedOn: str(r.uploaded_on),
      modifiedOn: str(r.modified_on),
    }),
    toRule: (r: Row): Rule => ({
      id: str(r.id),
      zoneId: str(r.zone_id),
      position: r.position as number,
      action: str(r.action) as Rule['action'],
      expression: str(r.expression),
      description: str(r.description),
      enabled: bool(r.enabled),
      ref: str(r.ref),
      actionParameters: jsonOrNull(r.action_parameters),
      version: r.version as number,
      lastUpdated: str(r.last_updated),
      filterId: strOrNull(r.filter_id) ?? str(r.id),
    }),
    toFilter: (r: Row): Filter => ({
      id: str(r.id),
      zoneId: str(r.zone_id),
      expression: str(r.expression),
      description: str(r.description),
      paused: bool(r.paused),
      ref: str(r.ref),
      createdOn: str(r.created_on),
    }),
    toRulesetInfo: (r: Row): RulesetInfo => ({
      id: str(r.id),
      zoneId: str(r.zone_id),
      name: str(r.name),
      description: str(r.description),
      version: r.version as number,
      lastUpdated: str(r.last_updated),
    }),
    toList: (r: Row): RuleList => ({
      id: str(r.id),
      accountId: str(r.account_id),
      name: str(r.name),
      kind: str(r.kind) as RuleList['kind'],
      description: str(r.description),
      numItems: (r.num_items as number | undefined) ?? 0,
      createdOn: str(r.created_on),
      modifiedOn: str(r.modified_on),
    }),
    toListItem: (r: Row): ListItem => ({
      id: str(r.id),
      listId: str(r.list_id),
      value: str(r.value),
      comment: str(r.comment),
      createdOn: str(r.created_on),
      modifiedOn: str(r.modified_on),
    }),
    toListOperation: (r: Row): ListOperation => ({
      id: str(r.id),
      accountId: str(r.account_id),
      status: str(r.status) as ListOperation['status'],
      error: strOrNull(r.error),
      completed: strOrNull(r.completed),
    }),
    toApiToken: (r: Row): ApiToken => ({
      id: str(r.id),
      name: str(r.name),
      secretHash: str(r.secret_hash),
      status: str(r.status) as ApiToken['status'],
      policies: json(r.policies),
      issuedOn: str(r.issued_on),
      modifiedOn: str(r.modified_on),
      expiresOn: strOrNull(r.expires_on),
      lastUsedOn: strOrNull(r.last_used_on),
    }),
    toAuditEntry: (r: Row): AuditEntry => ({
      id: str(r.id),
      accountId: str(r.account_id),
      actor: str(r.actor),
      action: str(r.action),
      resourceType: str(r.resource_type),
      resourceId: str(r.resource_id),
      zoneId: strOrNull(r.zone_id),
      before: jsonOrNull(r.before),
      after: jsonOrNull(r.after),
      when: str(r.at),
    }),
    toFirewallEvent: (r: Row): FirewallEvent => ({
      id: str(r.id),
      time: r.time as number,
      zoneId: str(r.zone_id),
      host: str(r.host),
      ruleId: strOrNull(r.rule_id),
      action: str(r.action),
      reason: str(r.reason),
      clientIp: str(r.client_ip),
      method: str(r.method),
      path: str(r.path),
      certFingerprint: strOrNull(r.cert_fingerprint),
      certSerial: strOrNull(r.cert_serial),
      rayId: str(r.ray_id),
    }),
    toEdgeNode: (r: Row): EdgeNode => ({
      id: str(r.id),
      name: str(r.name),
      role: str(r.role),
      appliedVersion: r.applied_version as number,
      lastSeen: str(r.last_seen),
      firstSeen: str(r.first_seen),
      source: str(r.source),
    }),
  };
}

/** Every mapping of rows to records, as `rowMappers` makes them for a dialect. */
export type RowMappers = ReturnType<typeof rowMappers>;

/** Encodes a value for a JSON column; undefined is stored as NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
