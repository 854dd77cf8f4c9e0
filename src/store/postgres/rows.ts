import { rowMappers } from '../sql/rows.ts';

export { toJson } from '../sql/rows.ts';

// Rows as node-postgres returns them: booleans as `boolean`, JSON parsed from `json`, binary
// from `bytea` as a Buffer, and bigint and numeric as numbers through the pool's type parsers.
export const {
  toAccount,
  toZone,
  toHost,
  toCertificateAuthority,
  toClientCertificate,
  toCustomCertificate,
  toRule,
  toFilter,
  toRulesetInfo,
  toList,
  toListItem,
  toListOperation,
  toApiToken,
  toAuditEntry,
  toFirewallEvent,
  toEdgeNode,
} = rowMappers({ bool: (v) => v === true, json: <T>(v: unknown) => v as T });
