import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiToken, Store, TokenPolicy, Transaction } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { guardRoutes } from '../route-guard.ts';
import { pageQueryProperties, pathParams, type PageParams } from '../schemas/common.ts';
import {
  canGrant,
  PERMISSION_NAMES,
  policiesFromCloudflare,
  policyView,
  type CloudflarePolicy,
} from '../token-policies.ts';
import { generateTokenSecret, hashTokenSecret } from '../tokens.ts';
import type { RouteContext } from './index.ts';

const policySchema = {
  type: 'object',
  required: ['effect', 'permission_groups', 'resources'],
  properties: {
    id: { type: 'string', maxLength: 64 },
    effect: { type: 'string', enum: ['allow', 'deny'] },
    permission_groups: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', maxLength: 64 }, name: { type: 'string' } },
      },
    },
    resources: { type: 'object', minProperties: 1, maxProperties: 100 },
  },
} as const;

const tokenBody = {
  type: 'object',
  required: ['name', 'policies'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 120 },
    policies: { type: 'array', minItems: 1, maxItems: 50, items: policySchema },
    expires_on: { type: 'string', format: 'date-time' },
    not_before: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['active', 'disabled', 'expired'] },
    condition: { type: 'object' },
  },
} as const;

const listQuery = {
  type: 'object',
  properties: {
    ...pageQueryProperties,
    direction: { type: 'string', enum: ['asc', 'desc'] },
    include_expired: { type: 'boolean' },
  },
} as const;

interface TokenBody {
  name: string;
  policies: CloudflarePolicy[];
  condition?: unknown;
  not_before?: string;
  expires_on?: string;
  status?: ApiToken['status'];
}

type TokenParams = { token_id: string };
const tags = ['tokens'];
const read = { resource: 'tokens', access: 'read' } as const;
const edit = { resource: 'tokens', access: 'edit' } as const;
const tokenParams = pathParams('token_id');

/** A token as the API shows it: never its secret or the secret's hash. */
export function tokenView(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    status: token.status,
    issued_on: token.issuedOn,
    modified_on: token.modifiedOn,
    ...(token.expiresOn ? { expires_on: token.expiresOn } : {}),
    ...(token.lastUsedOn ? { last_used_on: token.lastUsedOn } : {}),
    policies: token.policies.map(policyView),
  };
}

/**
 * `/user/tokens`: API tokens in Cloudflare's shape. A secret is shown once, as `value`, when
 * the token is created or rolled; only its hash is stored. Tokens are not in any one account,
 * so managing them needs a policy over everything (`*`), and a token hands out only what it
 * holds itself.
 */
export async function userTokenRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const one = '/user/tokens/:token_id';
  type One = FastifyRequest<{ Params: TokenParams }>;

  app.get(
    '/user/tokens/verify',
    { schema: { tags, summary: 'Verify the token of the request' }, config: { need: 'public' } },
    async (request) => {
      const token = request.token!;
      const expires = token.expiresOn ? { expires_on: token.expiresOn } : {};
      return success({ id: token.id, status: token.status, ...expires });
    },
  );
  app.get(
    '/user/tokens/permission_groups',
    { schema: { tags, summary: 'List permission groups' }, config: { need: read } },
    async () => success(PERMISSION_NAMES.map((id) => ({ id, name: id, scopes: ['*'] }))),
  );
  app.post(
    '/user/tokens',
    { schema: { tags, summary: 'Create a token', body: tokenBody }, config: { need: edit } },
    createToken(store),
  );
  app.get(
    '/user/tokens',
    { schema: { tags, summary: 'List tokens', querystring: listQuery }, config: { need: read } },
    async (request: FastifyRequest<{ Querystring: PageParams }>) => {
      const { page, per_page: perPage } = request.query;
      const found = await store.listApiTokens({ page, perPage });
      const items = found.items.map(tokenView);
      return success(items, pageInfo(page, perPage, items.length, found.total));
    },
  );
  app.get(
    one,
    { schema: { tags, summary: 'Get a token', params: tokenParams }, config: { need: read } },
    async (request: One) => success(tokenView(await tokenOf(store, request.params.token_id))),
  );
  app.put(
    one,
    {
      schema: { tags, summary: 'Update a token', params: tokenParams, body: tokenBody },
      config: { need: edit },
    },
    updateToken(store),
  );
  app.put(
    `${one}/value`,
    {
      schema: { tags, summary: 'Roll a token: a new secret', params: tokenParams },
      config: { need: edit },
    },
    rollToken(store),
  );
  app.delete(
    one,
    { schema: { tags, summary: 'Delete a token', params: tokenParams }, config: { need: edit } },
    async (request: One) => {
      await store.transaction(async (tx) => {
        const before = await tokenOf(tx, request.params.token_id);
        mustGrant(request, before.policies);
        await tx.deleteApiToken(before.id);
        await audit(tx, request, 'delete', before.id, tokenView(before), undefined);
      });
      return success({ id: request.params.token_id });
    },
  );
}

function createToken(store: Store) {
  return async (request: FastifyRequest<{ Body: TokenBody }>) => {
    refuseUnenforced(request.body);
    const policies = grantablePolicies(request, request.body.policies);
    const secret = generateTokenSecret();
    const token = await store.transaction(async (tx) => {
      const created = await tx.createApiToken({
        name: request.body.name,
        secretHash: hashTokenSecret(secret),
        policies,
        expiresOn: request.body.expires_on ?? null,
      });
      await audit(tx, request, 'create', created.id, undefined, tokenView(created));
      return created;
    });
    return success({ ...tokenView(token), value: secret });
  };
}

function updateToken(store: Store) {
  return async (request: FastifyRequest<{ Params: TokenParams; Body: TokenBody }>) => {
    refuseUnenforced(request.body);
    const policies = grantablePolicies(request, request.body.policies);
    const { name, status, expires_on: expiresOn } = request.body;
    const token = await store.transaction(async (tx) => {
      const before = await tokenOf(tx, request.params.token_id);
      mustGrant(request, before.policies);
      const after = await tx.updateApiToken(before.id, {
        name,
        policies,
        ...(status ? { status } : {}),
        ...(expiresOn !== undefined ? { expiresOn } : {}),
      });
      await audit(tx, request, 'update', before.id, tokenView(before), tokenView(after));
      return after;
    });
    return success(tokenView(token));
  };
}

/** A new secret for a token; the old one stops working at once. */
function rollToken(store: Store) {
  return async (request: FastifyRequest<{ Params: TokenParams }>) => {
    const secret = generateTokenSecret();
    await store.transaction(async (tx) => {
      const before = await tokenOf(tx, request.params.token_id);
      mustGrant(request, before.policies);
      await tx.updateApiToken(before.id, { secretHash: hashTokenSecret(secret) });
      await audit(tx, request, 'roll', before.id, tokenView(before), tokenView(before));
    });
    return success(secret);
  };
}

async function tokenOf(store: Pick<Store, 'getApiToken'>, id: string): Promise<ApiToken> {
  const token = await store.getApiToken(id);
  if (!token) throw new ApiError('notFound', `token ${id} does not exist`);
  return token;
}

/**
 * Refuses the token restrictions Portcullis does not enforce yet (`condition.request_ip`,
 * `not_before`): accepting and ignoring them would leave a token wider open than its owner
 * believes.
 */
function refuseUnenforced(body: TokenBody): void {
  for (const field of ['condition', 'not_before'] as const) {
    if (body[field] !== undefined) {
      throw new ApiError(
        'unsupportedValue',
        `${field} is not supported: Portcullis does not enforce it`,
        {
          pointer: `/${field}`,
        },
      );
    }
  }
}

function grantablePolicies(request: FastifyRequest, policies: CloudflarePolicy[]): TokenPolicy[] {
  const stored = policiesFromCloudflare(policies);
  mustGrant(request, stored);
  return stored;
}

function mustGrant(request: FastifyRequest, policies: TokenPolicy[]): void {
  if (!canGrant(request.token!, policies)) {
    throw new ApiError('forbidden', 'a token can only manage tokens with permissions it holds', {
      pointer: '/policies',
    });
  }
}

/** Tokens belong to no account; their changes are logged under the first (default) one. */
async function audit(
  tx: Transaction,
  request: FastifyRequest,
  action: string,
  tokenId: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  const account = (await tx.listAccounts({ perPage: 1 })).items[0];
  if (!account) return;
  await recordChange(tx, request, {
    accountId: account.id,
    action,
    resourceType: 'api_token',
    resourceId: tokenId,
    before,
    after,
  });
}
