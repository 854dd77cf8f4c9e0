import { rowMappers } from '../sql/rows.ts';

export { toJson } from '../sql/rows.ts';

// Rows as better-sqlite3 returns them: booleans stored as 0/1, JSON as text, binary as BLOB
// (a Buffer when read).
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
} = rowMappers({
  bool: (v) => v === 1,
  json: <T>(v: unknown) => JSON.parse(v as string) as T,
});
