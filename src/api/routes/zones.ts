import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Account, Store, Zone } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { allows } from '../permissions.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import {
  hostnameString,
  idString,
  pageQueryProperties,
  pathParams,
  type PageParams,
} from '../schemas/common.ts';
import { zoneView } from '../schemas/views.ts';
import type { RouteContext } from './index.ts';

const createBody = {
  type: 'object',
  required: ['name', 'account'],
  properties: {
    name: hostnameString,
    account: { type: 'object', required: ['id'], properties: { id: idString } },
    type: { type: 'string', enum: ['full'] },
  },
} as const;

const editBody = {
  type: 'object',
  properties: {
    paused: { type: 'boolean' },
    type: { type: 'string', enum: ['full'] },
  },
} as const;

const listQuery = {
  type: 'object',
  properties: {
    ...pageQueryProperties,
    name: { type: 'string', maxLength: 253 },
    'account.id': idString,
    status: { type: 'string', enum: ['initializing', 'pending', 'active', 'moved'] },
    direction: { type: 'string', enum: ['asc', 'desc'] },
    order: { type: 'string' },
    match: { type: 'string', enum: ['any', 'all'] },
  },
} as const;

const zoneParams = pathParams('zone_id');
const tags = ['zones'];

type ListQuery = PageParams & {
  name?: string;
  'account.id'?: string;
  status?: string;
  direction?: 'asc' | 'desc';
};

/** `/zones`: create, list, get, edit and delete zones, in Cloudflare's shape. */
export async function zoneRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);
  const read = { resource: 'zone', access: 'read' } as const;
  const edit = { resource: 'zone', access: 'edit' } as const;

  app.post(
    '/zones',
    {
      schema: { tags, summary: 'Create a zone', body: createBody },
      config: { need: { ...edit, from: 'body' } },
    },
    createZone(store),
  );
  app.get(
    '/zones',
    {
      schema: { tags, summary: 'List zones', querystring: listQuery },
      config: { need: { ...read, from: 'each' } },
    },
    listZones(store),
  );
  app.get(
    '/zones/:zone_id',
    { schema: { tags, summary: 'Get a zone', params: zoneParams }, config: { need: read } },
    async (request) => success(await viewOf(store, zoneOf(request))),
  );
  app.patch(
    '/zones/:zone_id',
    {
      schema: { tags, summary: 'Edit a zone', params: zoneParams, body: editBody },
      config: { need: edit },
    },
    editZone(store),
  );
  app.delete(
    '/zones/:zone_id',
    {
      schema: { tags, summary: 'Delete a zone (refused while it has hosts)', params: zoneParams },
      config: { need: edit },
    },
    deleteZone(store),
  );
}

type ZoneRequest<T = object> = FastifyRequest<{ Params: { zone_id: string } } & T>;

async function viewOf(store: Store, zone: Zone) {
  return zoneView(zone, await store.getAccount(zone.accountId));
}

function createZone(store: Store) {
  return async (request: FastifyRequest<{ Body: { name: string; account: { id: string } } }>) => {
    const { name, account } = request.body;
    const zone = await store.transaction(async (tx) => {
      if (!(await tx.getAccount(account.id))) {
        throw new ApiError('notFound', `account ${account.id} does not exist`, {
          pointer: '/account/id',
        });
      }
      const created = await tx.createZone({ accountId: account.id, name: canonical(name) });
      await recordChange(tx, request, {
        accountId: account.id,
        zoneId: created.id,
        action: 'create',
        resourceType: 'zone',
        resourceId: created.id,
        after: zoneView(created),
      });
      return created;
    });
    return success(await viewOf(store, zone));
  };
}

/** Zones the token may read, of those that match the query. */
function listZones(store: Store) {
  return async (request: FastifyRequest<{ Querystring: ListQuery }>) => {
    const { page, per_page: perPage, name, direction, status } = request.query;
    const token = request.token!;
    const found = await store.listZones({
      perPage: 100_000,
      ...(name !== undefined ? { name: canonical(name) } : {}),
      ...(request.query['account.id'] ? { accountId: request.query['account.id'] } : {}),
    });
    // Every Portcullis zone is active; asking for another status finds none.
    const visible = found.items.filter(
      (z) =>
        (status === undefined || status === 'active') &&
        allows(token, { resource: 'zone', access: 'read', zoneId: z.id, accountId: z.accountId }),
    );
    if (direction === 'desc') visible.reverse();
    const items = visible.slice((page - 1) * perPage, page * perPage);
    const accounts = await accountsOf(store, items);
    return success(
      items.map((z) => zoneView(z, accounts.get(z.accountId))),
      pageInfo(page, perPage, items.length, visible.length),
    );
  };
}

function editZone(store: Store) {
  return async (request: ZoneRequest<{ Body: { paused?: boolean } }>) => {
    const { zone_id: zoneId } = request.params;
    const zone = await store.transaction(async (tx) => {
      const before = await tx.getZone(zoneId);
      if (!before) throw new ApiError('notFound', `zone ${zoneId} does not exist`);
      const patch = request.body.paused === undefined ? {} : { paused: request.body.paused };
      const after = await tx.updateZone(zoneId, patch);
      await recordChange(tx, request, {
        accountId: after.accountId,
        zoneId,
        action: 'update',
        resourceType: 'zone',
        resourceId: zoneId,
        before: zoneView(before),
        after: zoneView(after),
      });
      return after;
    });
    return success(await viewOf(store, zone));
  };
}

function deleteZone(store: Store) {
  return async (request: ZoneRequest) => {
    const { zone_id: zoneId } = request.params;
    await store.transaction(async (tx) => {
      const before = await tx.getZone(zoneId);
      if (!before) throw new ApiError('notFound', `zone ${zoneId} does not exist`);
      await tx.deleteZone(zoneId);
      await recordChange(tx, request, {
        accountId: before.accountId,
        zoneId,
        action: 'delete',
        resourceType: 'zone',
        resourceId: zoneId,
        before: zoneView(before),
      });
    });
    return success({ id: zoneId });
  };
}

/** Zone names are compared and stored in lowercase, without a trailing dot. */
function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

async function accountsOf(store: Store, zones: Zone[]): Promise<Map<string, Account>> {
  const map = new Map<string, Account>();
  for (const id of new Set(zones.map((z) => z.accountId))) {
    const account = await store.getAccount(id);
    if (account) map.set(id, account);
  }
  return map;
}
