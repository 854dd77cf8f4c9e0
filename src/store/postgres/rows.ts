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

// Row shapes as node-postgres returns them, and their mapping to records. Booleans are
// `boolean`, JSON is `json` (parsed when read), binary is `bytea` (a Buffer when read), and
// bigint and numeric come back as numbers through the pool's type parsers.

type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v === null ? null : (v as string));
const bytesOrNull = (v: unknown): Uint8Array | null =>
  v === null ? null : new Uint8Array(v as Buffer);
const json = <T>(v: unknown): T => v as T;
const jsonOrNull = <T>(v: unknown): T | null => (v === null ? null : json<T>(v));

export const toAccount = (r: Row): Account => ({
  id: str(r.id),
  name: str(r.name),
  createdOn: str(r.created_on),
});

export const toZone = (r: Row): Zone => ({
  id: str(r.id),
  accountId: str(r.account_id),
  name: str(r.name),
  paused: r.paused === true,
  createdOn: str(r.created_on),
  modifiedOn: str(r.modified_on),
});

export const toHost = (r: Row): Host => ({
  id: str(r.id),
  zoneId: str(r.zone_id),
  hostname: str(r.hostname),
  origin: str(r.origin),
  mtlsEnabled: r.mtls_enabled === true,
  certificateAuthorityId: strOrNull(r.certificate_authority_id),
  identityHeaders: json(r.identity_headers),
  createdOn: str(r.created_on),
  modifiedOn: str(r.modified_on),
});

export const toCertificateAuthority = (r: Row): CertificateAuthority => ({
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
});

export const toClientCertificate = (r: Row): ClientCertificate => ({
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
});

export const toCustomCertificate = (r: Row): CustomCertificate => ({
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
});

export const toRule = (r: Row): Rule => ({
  id: str(r.id),
  zoneId: str(r.zone_id),
  position: r.position as number,
  action: str(r.action) as Rule['action'],
  expression: str(r.expression),
  description: str(r.description),
  enabled: r.enabled === true,
  ref: str(r.ref),
  actionParameters: jsonOrNull(r.action_parameters),
  version: r.version as number,
  lastUpdated: str(r.last_updated),
  filterId: strOrNull(r.filter_id) ?? str(r.id),
});

export const toFilter = (r: Row): Filter => ({
  id: str(r.id),
  zoneId: str(r.zone_id),
  expression: str(r.expression),
  description: str(r.description),
  paused: r.paused === true,
  ref: str(r.ref),
  createdOn: str(r.created_on),
});

export const toRulesetInfo = (r: Row): RulesetInfo => ({
  id: str(r.id),
  zoneId: str(r.zone_id),
  name: str(r.name),
  description: str(r.description),
  version: r.version as number,
  lastUpdated: str(r.last_updated),
});

export const toList = (r: Row): RuleList => ({
  id: str(r.id),
  accountId: str(r.account_id),
  name: str(r.name),
  kind: str(r.kind) as RuleList['kind'],
  description: str(r.description),
  numItems: (r.num_items as number | undefined) ?? 0,
  createdOn: str(r.created_on),
  modifiedOn: str(r.modified_on),
});

export const toListItem = (r: Row): ListItem => ({
  id: str(r.id),
  listId: str(r.list_id),
  value: str(r.value),
  comment: str(r.comment),
  createdOn: str(r.created_on),
  modifiedOn: str(r.modified_on),
});

export const toListOperation = (r: Row): ListOperation => ({
  id: str(r.id),
  accountId: str(r.account_id),
  status: str(r.status) as ListOperation['status'],
  error: strOrNull(r.error),
  completed: strOrNull(r.completed),
});

export const toApiToken = (r: Row): ApiToken => ({
  id: str(r.id),
  name: str(r.name),
  secretHash: str(r.secret_hash),
  status: str(r.status) as ApiToken['status'],
  policies: json(r.policies),
  issuedOn: str(r.issued_on),
  modifiedOn: str(r.modified_on),
  expiresOn: strOrNull(r.expires_on),
  lastUsedOn: strOrNull(r.last_used_on),
});

export const toAuditEntry = (r: Row): AuditEntry => ({
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
});

export const toFirewallEvent = (r: Row): FirewallEvent => ({
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
});

export const toEdgeNode = (r: Row): EdgeNode => ({
  id: str(r.id),
  name: str(r.name),
  role: str(r.role),
  appliedVersion: r.applied_version as number,
  lastSeen: str(r.last_seen),
  firstSeen: str(r.first_seen),
  source: str(r.source),
});

/** Encodes a value for a JSON column; undefined is stored as NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
