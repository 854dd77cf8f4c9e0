/**
 * The records Portcullis keeps. Every id is an opaque string; timestamps are ISO 8601 strings
 * in UTC (as Cloudflare's API writes them) except firewall event times, which are epoch
 * milliseconds so that range queries stay numeric.
 */

export interface Account {
  id: string;
  name: string;
  createdOn: string;
}

export interface Zone {
  id: string;
  accountId: string;
  name: string;
  paused: boolean;
  createdOn: string;
  modifiedOn: string;
}

/** A proxied hostname of a zone and the origin it forwards to. */
export interface Host {
  id: string;
  zoneId: string;
  hostname: string;
  /** `http://` or `https://` URL of the origin. */
  origin: string;
  /** Whether the edge asks for a client certificate on this host's handshakes. */
  mtlsEnabled: boolean;
  /** The CA whose certificates this host accepts; null means the account's managed CA. */
  certificateAuthorityId: string | null;
  /** Per-host switches for forwarding identity to the origin (header format → on/off). */
  identityHeaders: Record<string, boolean>;
  createdOn: string;
  modifiedOn: string;
}

export type CertificateAuthorityKind = 'managed' | 'uploaded';

export interface CertificateAuthority {
  id: string;
  accountId: string;
  kind: CertificateAuthorityKind;
  name: string;
  /** PEM of the CA certificate (and chain, for uploaded CAs). */
  certificatePem: string;
  /** The CA private key sealed under the master key; null for uploaded CAs. */
  sealedPrivateKey: Uint8Array | null;
  /** The number of the last CRL published by or uploaded for this CA. */
  crlNumber: number;
  /** The last CRL (DER), if any. */
  crlDer: Uint8Array | null;
  createdOn: string;
  modifiedOn: string;
}

/** A server certificate uploaded for a zone's hosts (Cloudflare's custom certificates). */
export interface CustomCertificate {
  id: string;
  zoneId: string;
  /** PEM of the certificate followed by its chain. */
  certificatePem: string;
  /** The private key sealed under the master key. */
  sealedPrivateKey: Uint8Array;
  /** The DNS names the certificate covers (its subjectAltName), wildcards included. */
  hosts: string[];
  issuer: string;
  signature: string;
  /** `ubiquitous`, `optimal` or `force`, as Cloudflare names the chain choice. */
  bundleMethod: string;
  /** Higher wins when two certificates cover a host. */
  priority: number;
  expiresOn: string;
  uploadedOn: string;
  modifiedOn: string;
}

export type ClientCertificateStatus =
  'active' | 'pending_revocation' | 'revoked' | 'pending_reactivation';

export interface ClientCertificate {
  id: string;
  zoneId: string;
  certificateAuthorityId: string;
  /** Uppercase hex without separators, as `cf.tls_client_auth.cert_serial` writes it. */
  serialNumber: string;
  /** Lowercase hex SHA-256 of the DER certificate. */
  fingerprintSha256: string;
  certificatePem: string;
  csrPem: string;
  commonName: string;
  status: ClientCertificateStatus;
  validityDays: number;
  issuedOn: string;
  expiresOn: string;
  /** When the certificate was last revoked; null while it has never been. */
  revokedOn: string | null;
  /** Fields of Cloudflare's result that come from the certificate (subject parts, ski, ...). */
  details: Record<string, string>;
  /** The private key sealed under the master key when Portcullis generated it, else null. */
  sealedPrivateKey: Uint8Array | null;
  /** The configuration version at which the status last changed. */
  statusVersion: number;
}

export type RuleAction = 'block' | 'skip' | 'allow' | 'log';

/** One firewall rule of a zone's ordered list; both rule APIs read and write this list. */
export interface Rule {
  id: string;
  zoneId: string;
  /** Zero-based place in the zone's list. */
  position: number;
  action: RuleAction;
  expression: string;
  description: string;
  enabled: boolean;
  ref: string;
  /** Action parameters in Cloudflare's shape, e.g. `{response: {status_code, content, ...}}`. */
  actionParameters: Record<string, unknown> | null;
  /** Incremented on every change of the rule. */
  version: number;
  lastUpdated: string;
  /**
   * The id of the rule's filter in the legacy Filters API: the rule's own id unless the rule
   * was made from a filter created on its own.
   */
  filterId: string;
}

/**
 * A filter of the legacy Filters API that no rule uses yet (or any more). It is not edge
 * configuration: only rules are evaluated. A rule made from it takes over its id as
 * `Rule.filterId`.
 */
export interface Filter {
  id: string;
  zoneId: string;
  expression: string;
  description: string;
  paused: boolean;
  ref: string;
  createdOn: string;
}

/**
 * The name and version of a zone's custom-rules ruleset (the entry point of the phase
 * `http_request_firewall_custom`). Its rules are the zone's {@link Rule} list; the version
 * grows by one whenever that list or the ruleset itself changes, through either rule API.
 */
export interface RulesetInfo {
  id: string;
  zoneId: string;
  name: string;
  description: string;
  version: number;
  lastUpdated: string;
}

/** The kinds of named lists that expressions can use as `$name`. */
export type ListKind = 'ip' | 'hostname' | 'asn';

/** An account-level named list, used in expressions as `$name`. */
export interface RuleList {
  id: string;
  accountId: string;
  /** Lowercase letters, digits and underscores, as Cloudflare allows. */
  name: string;
  kind: ListKind;
  description: string;
  numItems: number;
  createdOn: string;
  modifiedOn: string;
}

/** One item of a named list. */
export interface ListItem {
  id: string;
  listId: string;
  /** The item as text: an IP, CIDR or range; a hostname pattern; or an ASN in decimal. */
  value: string;
  comment: string;
  createdOn: string;
  modifiedOn: string;
}

/** A change to list items, reported the way Cloudflare reports its asynchronous bulk jobs. */
export interface ListOperation {
  id: string;
  accountId: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  error: string | null;
  completed: string | null;
}

/** What a token may do: `*` or a zone id, and per resource `read` or `edit`. */
export interface TokenPolicy {
  effect: 'allow';
  /** Resource scopes: `"*"` or `"zone:<id>"` / `"account:<id>"`. */
  scopes: string[];
  /** Permission names such as `zone:read`, `firewall:edit`; `"*"` grants all. */
  permissions: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  secretHash: string;
  status: 'active' | 'disabled' | 'expired';
  policies: TokenPolicy[];
  issuedOn: string;
  modifiedOn: string;
  expiresOn: string | null;
  lastUsedOn: string | null;
}

export interface AuditEntry {
  id: string;
  accountId: string;
  /** Who: a token id, or `system`. */
  actor: string;
  /** What kind of change: `create`, `update`, `delete`, `revoke`, ... */
  action: string;
  resourceType: string;
  resourceId: string;
  zoneId: string | null;
  before: unknown;
  after: unknown;
  when: string;
}

export interface FirewallEvent {
  id: string;
  /** Epoch milliseconds. */
  time: number;
  zoneId: string;
  host: string;
  ruleId: string | null;
  action: string;
  reason: string;
  clientIp: string;
  method: string;
  path: string;
  certFingerprint: string | null;
  certSerial: string | null;
  rayId: string;
}

/**
 * An edge as the control plane knows it from its reports: which configuration version it
 * serves, and when it last said so. Revocations wait for the live edges' acknowledgements.
 */
export interface EdgeNode {
  /** Chosen by the edge; stable across its restarts. */
  id: string;
  name: string;
  /** The role the process runs as, e.g. `edge` or `all`. */
  role: string;
  /** The configuration version the edge has applied. */
  appliedVersion: number;
  /** When the edge last reported. */
  lastSeen: string;
  /** When the edge first reported. */
  firstSeen: string;
  /** Where the edge's configuration came from, e.g. `store` or `local copy`. */
  source: string;
}

/** One change to the configuration, as subscribers of the change feed receive it. */
export interface ConfigChange {
  /** The configuration version this change produced. */
  version: number;
  /** What changed: one entry per record touched by the transaction. */
  items: ChangedItem[];
}

export type ResourceType =
  | 'account'
  | 'zone'
  | 'host'
  | 'certificate_authority'
  | 'client_certificate'
  | 'custom_certificate'
  | 'rule'
  | 'ruleset'
  | 'list'
  | 'api_token';

export interface ChangedItem {
  type: ResourceType;
  id: string;
  zoneId?: string;
  op: 'create' | 'update' | 'delete';
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageQuery {
  /** One-based page number. */
  page?: number;
  perPage?: number;
}
