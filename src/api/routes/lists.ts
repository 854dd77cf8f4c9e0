import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RuleList, Store, Transaction } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { rulesUsingList } from '../list-items.ts';
import { guardRoutes } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const createBody = {
  type: 'object',
  required: ['name', 'kind'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9_]+$', minLength: 1, maxLength: 50 },
    kind: { type: 'string', enum: ['ip', 'hostname', 'asn', 'redirect'] },
    description: { type: 'string', maxLength: 500 },
  },
} as const;

const updateBody = {
  type: 'object',
  properties: { description: { type: 'string', maxLength: 500 } },
} as const;

type ListParams = { account_id: string; list_id: string };
const tags = ['lists'];
const read = { resource: 'lists', access: 'read' } as const;
const edit = { resource: 'lists', access: 'edit' } as const;
const listParams = pathParams('account_id', 'list_id');

/** A list in Cloudflare's shape; `num_referencing_filters` counts the rules that name it. */
export function listView(list: RuleList, references = 0) {
  return {
    id: list.id,
    name: list.name,
    kind: list.kind,
    description: list.description,
    num_items: list.numItems,
    num_referencing_filters: references,
    created_on: list.createdOn,
    modified_on: list.modifiedOn,
  };
}

/**
 * `/accounts/{account_id}/rules/lists`: named lists that expressions use as `$name`. A list
 * that a rule names cannot be deleted: the rule would stop compiling on the edges.
 */
export async function listRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);
  const all = '/accounts/:account_id/rules/lists';
  const one = '/accounts/:account_id/rules/lists/:list_id';
  const accountParams = pathParams('account_id');
  type One<B = undefined> = FastifyRequest<{ Params: ListParams; Body: B }>;

  app.post(
    all,
    {
      schema: { tags, summary: 'Create a list', params: accountParams, body: createBody },
      config: { need: edit },
    },
    createList(store),
  );
  app.get(
    all,
    {
      schema: { tags, summary: 'List the lists of an account', params: accountParams },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: { account_id: string } }>) =>
      success(
        await store.transaction(async (tx) => {
          const out = [];
          for (const l of await tx.listLists(request.params.account_id)) {
            out.push(listView(l, (await rulesUsingList(tx, l)).length));
          }
          return out;
        }),
      ),
  );
  app.get(
    one,
    { schema: { tags, summary: 'Get a list', params: listParams }, config: { need: read } },
    async (request: One) =>
      success(
        await store.transaction(async (tx) => {
          const list = await listOf(tx, request.params);
          return listView(list, (await rulesUsingList(tx, list)).length);
        }),
      ),
  );
  app.put(
    one,
    {
      schema: { tags, summary: 'Update a list', params: listParams, body: updateBody },
      config: { need: edit },
    },
    async (request: One<{ description?: string }>) =>
      success(
        await store.transaction(async (tx) => {
          const before = await listOf(tx, request.params);
          const after = await tx.updateList(before.id, { description: request.body.description });
          await audit(tx, request, after, 'update', listView(before), listView(after));
          return listView(after);
        }),
      ),
  );
  app.delete(
    one,
    {
      schema: { tags, summary: 'Delete a list no rule uses', params: listParams },
      config: { need: edit },
    },
    deleteList(store),
  );
}

type CreateBody = { name: string; kind: RuleList['kind'] | 'redirect'; description?: string };

function createList(store: Store) {
  return async (request: FastifyRequest<{ Params: { account_id: string }; Body: CreateBody }>) => {
    const { name, kind, description } = request.body;
    if (kind === 'redirect') {
      throw new ApiError('unsupportedValue', 'lists of kind redirect are not supported', {
        pointer: '/kind',
      });
    }
    const list = await store.transaction(async (tx) => {
      const accountId = request.params.account_id;
      const created = await tx.createList({
        accountId,
        name,
        kind,
        description: description ?? '',
      });
      await audit(tx, request, created, 'create', undefined, listView(created));
      return created;
    });
    return success(listView(list));
  };
}

function deleteList(store: Store) {
  return async (request: FastifyRequest<{ Params: ListParams }>) => {
    await store.transaction(async (tx) => {
      const list = await listOf(tx, request.params);
      const users = await rulesUsingList(tx, list);
      if (users.length > 0) {
        throw new ApiError(
          'conflict',
          `list ${list.name} is used by ${users.length} rule(s), e.g. ${users[0]!.id}`,
        );
      }
      await tx.deleteList(list.id);
      await audit(tx, request, list, 'delete', listView(list), undefined);
    });
    return success({ id: request.params.list_id });
  };
}

/** The list of the path, which must belong to the path's account. */
export async function listOf(tx: Pick<Store, 'getList'>, params: ListParams): Promise<RuleList> {
  const list = await tx.getList(params.list_id);
  if (!list || list.accountId !== params.account_id) {
    throw new ApiError('notFound', `list ${params.list_id} does not exist`);
  }
  return list;
}

/** Records a change of a list or of its items in the audit log. */
export async function audit(
  tx: Transaction,
  request: FastifyRequest,
  list: RuleList,
  action: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await recordChange(tx, request, {
    accountId: list.accountId,
    action,
    resourceType: 'list',
    resourceId: list.id,
    before,
    after,
  });
}
