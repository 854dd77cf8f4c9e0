import type { FastifyInstance } from 'fastify';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { allows } from '../permissions.ts';
import { guardRoutes } from '../route-guard.ts';
import { pageQueryProperties, pathParams, type PageParams } from '../schemas/common.ts';
import { accountView } from '../schemas/views.ts';
import type { RouteContext } from './index.ts';

const listQuery = {
  type: 'object',
  properties: {
    ...pageQueryProperties,
    name: { type: 'string', maxLength: 200 },
    direction: { type: 'string', enum: ['asc', 'desc'] },
  },
} as const;

/** `/accounts`: the accounts a token can see. A new installation has one default account. */
export async function accountRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);

  app.get<{ Querystring: PageParams & { name?: string; direction?: 'asc' | 'desc' } }>(
    '/accounts',
    {
      schema: { tags: ['accounts'], summary: 'List accounts', querystring: listQuery },
      config: { need: { resource: 'account', access: 'read', from: 'each' } },
    },
    async (request) => {
      const { page, per_page: perPage, name, direction } = request.query;
      const token = request.token!;
      let all = (await store.listAccounts({ perPage: 10_000 })).items.filter((a) =>
        allows(token, { resource: 'account', access: 'read', accountId: a.id }),
      );
      if (name !== undefined) all = all.filter((a) => a.name.includes(name));
      if (direction === 'desc') all.reverse();
      const items = all.slice((page - 1) * perPage, page * perPage);
      return success(items.map(accountView), pageInfo(page, perPage, items.length, all.length));
    },
  );

  app.get<{ Params: { account_id: string } }>(
    '/accounts/:account_id',
    {
      schema: { tags: ['accounts'], summary: 'Get an account', params: pathParams('account_id') },
      config: { need: { resource: 'account', access: 'read' } },
    },
    async (request) => {
      const account = await store.getAccount(request.params.account_id);
      if (!account)
        throw new ApiError('notFound', `account ${request.params.account_id} does not exist`);
      return success(accountView(account));
    },
  );
}
