import type { FastifyRequest } from 'fastify';
import type { Transaction } from '../store/index.ts';

/** One change made through the API, as the audit log keeps it. */
export interface Change {
  accountId: string;
  zoneId?: string;
  /** `create`, `update`, `delete`, `roll`, ... */
  action: string;
  resourceType: string;
  resourceId: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Records a change in the audit log inside the transaction that makes it, so that the entry
 * exists exactly when the change does. The actor is the id of the request's token. Values
 * are stored as the API shows them, never with secrets: callers pass views, not records.
 */
export async function recordChange(
  tx: Transaction,
  request: FastifyRequest,
  change: Change,
): Promise<void> {
  await tx.appendAudit({
    accountId: change.accountId,
    actor: request.token?.id ?? 'system',
    action: change.action,
    resourceType: change.resourceType,
    resourceId: change.resourceId,
    zoneId: change.zoneId ?? null,
    before: change.before ?? null,
    after: change.after ?? null,
  });
}
