import type { FastifyInstance } from 'fastify';
import type { AuditEntry, Store } from '../../store/index.ts';
import { pageInfo, success } from '../envelope.ts';
import { guardRoutes } from '../route-guard.ts';
import { pageQueryProperties, pathParams, type PageParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const listQuery = {
  type: 'object',
  properties: {
    ...pageQueryProperties,
    per_page: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    id: { type: 'string', maxLength: 64 },
    since: { type: 'string', format: 'date-time' },
    before: { type: 'string', format: 'date-time' },
    direction: { type: 'string', enum: ['desc', 'asc'], default: 'desc' },
    'action.type': { type: 'string', maxLength: 64 },
    'actor.ip': { type: 'string', maxLength: 64 },
    'actor.email': { type: 'string', maxLength: 200 },
    'zone.name': { type: 'string', maxLength: 253 },
    export: { type: 'boolean' },
    hide_user_logs: { type: 'boolean' },
  },
} as const;

type AuditQuery = PageParams & {
  id?: string;
  since?: string;
  before?: string;
  direction: 'asc' | 'desc';
  'action.type'?: string;
  'zone.name'?: string;
  hide_user_logs?: boolean;
};

/** One audit entry in the shape of Cloudflare's account audit log (version 1). */
export function auditView(entry: AuditEntry, zoneName: string | undefined) {
  const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
  return {
    id: entry.id,
    action: { type: entry.action, result: true },
    actor: {
      id: entry.actor,
      type: entry.actor === 'system' ? 'Cloudflare' : 'user',
      email: '',
      ip: '',
    },
    interface: 'API',
    metadata: {
      ...(entry.zoneId ? { zone_id: entry.zoneId } : {}),
      ...(zoneName ? { zone_name: zoneName } : {}),
    },
    newValue: json(entry.after),
    newValueJson: entry.after ?? {},
    oldValue: json(entry.before),
    oldValueJson: entry.before ?? {},
    owner: { id: entry.accountId },
    resource: { id: entry.resourceId, type: entry.resourceType },
    when: entry.when,
  };
}

/**
 * `GET /accounts/{account_id}/audit_logs`: who changed what and when, with the value before
 * and after, newest first unless `direction=asc`. The actor id is the id of the API token.
 */
export async function auditLogRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);

  app.get<{ Params: { account_id: string }; Querystring: AuditQuery }>(
    '/accounts/:account_id/audit_logs',
    {
      schema: {
        tags: ['audit log'],
        summary: 'List the audit log of an account',
        params: pathParams('account_id'),
        querystring: listQuery,
      },
      config: { need: { resource: 'audit', access: 'read' } },
    },
    async (request) => {
      const q = request.query;
      const accountId = request.params.account_id;
      const zone = q['zone.name'] === undefined ? undefined : await zoneNamed(store, accountId, q);
      // A zone name that is not in the account matches nothing.
      if (q['zone.name'] !== undefined && !zone)
        return success([], pageInfo(q.page, q.per_page, 0, 0));
      const found = await store.listAudit({
        accountId,
        page: q.page,
        perPage: q.per_page,
        ascending: q.direction === 'asc',
        ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
        ...(q.before ? { before: new Date(q.before).toISOString() } : {}),
        ...(q.id ? { id: q.id } : {}),
        ...(q['action.type'] ? { action: q['action.type'] } : {}),
        ...(zone ? { zoneId: zone.id } : {}),
      });
      // Every entry is made through the API by a token: hiding user logs leaves none.
      const items = q.hide_user_logs ? [] : found.items;
      const names = await zoneNames(store, items);
      return success(
        items.map((e) => auditView(e, names.get(e.zoneId ?? ''))),
        pageInfo(q.page, q.per_page, items.length, q.hide_user_logs ? 0 : found.total),
      );
    },
  );
}

async function zoneNamed(store: Store, accountId: string, q: AuditQuery) {
  const found = await store.listZones({ accountId, name: q['zone.name']!, perPage: 1 });
  return found.items[0];
}

async function zoneNames(store: Store, entries: AuditEntry[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(entries.map((e) => e.zoneId).filter((z) => z !== null))) {
    const zone = await store.getZone(id);
    if (zone) names.set(id, zone.name);
  }
  return names;
}
