/** The account audit log route as the Audit Log screen calls it. */
import { api } from '../../api/client.ts';

/** One audit entry, in the shape of Cloudflare's account audit log. */
export interface AuditEntry {
  id: string;
  action: { type: string; result: boolean };
  actor: { id: string; type: string; email: string; ip: string };
  interface: string;
  metadata: { zone_id?: string; zone_name?: string };
  newValue: string;
  newValueJson: unknown;
  oldValue: string;
  oldValueJson: unknown;
  owner: { id: string };
  resource: { id: string; type: string };
  when: string;
}

export interface AuditFilters {
  action: string;
  zoneName: string;
  /** `datetime-local` values, in the browser's time zone; empty for none. */
  since: string;
  before: string;
}

/** The actions Portcullis records, offered as suggestions; any other text is taken too. */
export const KNOWN_ACTIONS = ['create', 'update', 'delete', 'roll', 'revoke', 'reactivate'];

/** A `datetime-local` value as the API's date-time, or undefined when empty or unreadable. */
export function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function listAudit(
  accountId: string,
  page: number,
  perPage: number,
  filters: AuditFilters,
  signal?: AbortSignal,
) {
  return api.page<AuditEntry>(`/accounts/${accountId}/audit_logs`, {
    query: {
      page,
      per_page: perPage,
      direction: 'desc',
      'action.type': filters.action.trim() || undefined,
      'zone.name': filters.zoneName || undefined,
      since: isoOf(filters.since),
      before: isoOf(filters.before),
    },
    signal,
  });
}
