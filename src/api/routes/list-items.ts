import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RuleList, Store, Transaction } from '../../store/index.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { itemsFromBody, itemView, recheckRulesUsing, type ListItemBody } from '../list-items.ts';
import { guardRoutes } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';
import { audit, listOf, listView } from './lists.ts';

const item = {
  type: 'object',
  properties: {
    ip: { type: 'string', minLength: 1, maxLength: 100 },
    hostname: {
      type: 'object',
      required: ['url_hostname'],
      properties: {
        url_hostname: { type: 'string', minLength: 1, maxLength: 253 },
        exclude_exact_hostname: { type: 'boolean' },
      },
    },
    asn: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
    comment: { type: 'string', maxLength: 500 },
  },
} as const;

const itemsBody = { type: 'array', items: item, maxItems: 10_000 } as const;
const deleteBody = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      maxItems: 10_000,
      items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    },
  },
} as const;
const itemsQuery = {
  type: 'object',
  properties: {
    cursor: { type: 'string', maxLength: 100 },
    per_page: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    search: { type: 'string', maxLength: 200 },
  },
} as const;

type ListParams = { account_id: string; list_id: string };
const tags = ['lists'];
const read = { resource: 'lists', access: 'read' } as const;
const edit = { resource: 'lists', access: 'edit' } as const;
const listParams = pathParams('account_id', 'list_id');

/**
 * The items of a named list. Cloudflare applies item changes asynchronously and answers with
 * an `operation_id` to poll; Portcullis applies them at once, in one transaction with a check
 * of every rule that names the list, and records the operation as completed.
 */
export async function listItemRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);
  const items = '/accounts/:account_id/rules/lists/:list_id/items';

  for (const [method, replace] of [
    ['POST', false],
    ['PUT', true],
  ] as const) {
    const summary = replace ? 'Replace every item of a list' : 'Add items to a list';
    app.route({
      method,
      url: items,
      schema: { tags, summary, params: listParams, body: itemsBody },
      config: { need: edit },
      handler: writeItems(store, replace),
    });
  }
  app.delete(
    items,
    {
      schema: { tags, summary: 'Delete items of a list', params: listParams, body: deleteBody },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Params: ListParams; Body: { items: { id: string }[] } }>) => {
      const id = await changeItems(store, request, async (tx, list) => {
        const ids = request.body.items.map((i) => i.id);
        await tx.deleteListItems(list.id, ids);
        return ids;
      });
      return success({ operation_id: id });
    },
  );
  app.get(
    items,
    {
      schema: {
        tags,
        summary: 'List the items of a list',
        params: listParams,
        querystring: itemsQuery,
      },
      config: { need: read },
    },
    listItems(store),
  );
  app.get(
    `${items}/:item_id`,
    {
      schema: {
        tags,
        summary: 'Get an item of a list',
        params: pathParams('account_id', 'list_id', 'item_id'),
      },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: ListParams & { item_id: string } }>) => {
      const list = await listOf(store, request.params);
      const found = await store.getListItem(list.id, request.params.item_id);
      if (!found) throw new ApiError('notFound', `item ${request.params.item_id} does not exist`);
      return success(itemView(list, found));
    },
  );
  app.get(
    '/accounts/:account_id/rules/lists/bulk_operations/:operation_id',
    {
      schema: {
        tags,
        summary: 'Get the status of a bulk operation on list items',
        params: pathParams('account_id', 'operation_id'),
      },
      config: { need: read },
    },
    operationStatus(store),
  );
}

function writeItems(store: Store, replace: boolean) {
  return async (request: FastifyRequest<{ Params: ListParams; Body: ListItemBody[] }>) => {
    const id = await changeItems(store, request, async (tx, list) => {
      const items = itemsFromBody(list, request.body);
      if (replace) await tx.replaceListItems(list.id, items);
      else await tx.addListItems(list.id, items);
      return items.map((i) => i.value);
    });
    return success({ operation_id: id });
  };
}

type ItemsQuery = { cursor?: string; per_page: number; search?: string };

function listItems(store: Store) {
  return async (request: FastifyRequest<{ Params: ListParams; Querystring: ItemsQuery }>) => {
    const { cursor, per_page: perPage, search } = request.query;
    const page = cursor === undefined ? 1 : pageOfCursor(cursor);
    const list = await listOf(store, request.params);
    const found = await store.listListItems(list.id, { page, perPage, search });
    const more = page * perPage < found.total;
    // Cloudflare pages list items by cursor: `result_info.cursors.after` while there is more.
    const info = {
      count: found.items.length,
      ...(more ? { cursors: { after: cursorOfPage(page + 1) } } : {}),
    };
    return success(
      found.items.map((i) => itemView(list, i)),
      info as { count: number },
    );
  };
}

function operationStatus(store: Store) {
  return async (
    request: FastifyRequest<{ Params: { account_id: string; operation_id: string } }>,
  ) => {
    const op = await store.getListOperation(request.params.operation_id);
    if (!op || op.accountId !== request.params.account_id) {
      throw new ApiError('notFound', `operation ${request.params.operation_id} does not exist`);
    }
    return success({
      id: op.id,
      status: op.status,
      ...(op.completed ? { completed: op.completed } : {}),
      ...(op.error ? { error: op.error } : {}),
    });
  };
}

/** Runs an item change with its checks, audit entry and completed operation, at once. */
async function changeItems(
  store: Store,
  request: FastifyRequest<{ Params: ListParams }>,
  change: (tx: Transaction, list: RuleList) => Promise<string[]>,
): Promise<string> {
  return store.transaction(async (tx) => {
    const list = await listOf(tx, request.params);
    const values = await change(tx, list);
    await recheckRulesUsing(tx, list);
    const after = (await tx.getList(list.id))!;
    const action =
      request.method === 'DELETE'
        ? 'delete_items'
        : request.method === 'PUT'
          ? 'replace_items'
          : 'add_items';
    await audit(tx, request, list, action, listView(list), { ...listView(after), items: values });
    const op = await tx.createListOperation({
      accountId: list.accountId,
      status: 'completed',
      error: null,
      completed: new Date().toISOString(),
    });
    return op.id;
  });
}

function cursorOfPage(page: number): string {
  return Buffer.from(`page:${page}`).toString('base64url');
}

function pageOfCursor(cursor: string): number {
  const page = Number(/^page:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1]);
  if (!Number.isSafeInteger(page) || page < 1) {
    throw new ApiError('invalidRequest', `cursor ${cursor} is not one this API handed out`, {
      pointer: '/cursor',
    });
  }
  return page;
}
