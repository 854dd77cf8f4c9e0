import { Placeholder } from '../placeholder.tsx';

/** The account's audit log. */
export function AuditLogScreen() {
  return <Placeholder title="Audit Log" what="Every change to the account" />;
}
