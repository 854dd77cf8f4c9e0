import type { FastifyRequest } from 'fastify';
import type { ApiToken, TokenPolicy } from '../store/index.ts';
import { ApiError } from './errors.ts';

/** The resources a token's permissions name; each has `read` and `edit`. */
export const RESOURCES = [
  'account',
  'zone',
  'host',
  'firewall',
  'ssl',
  'lists',
  'tokens',
  'audit',
  'events',
  'edges',
] as const;

export type Resource = (typeof RESOURCES)[number];
export type Access = 'read' | 'edit';
/** A permission as written in a token policy: `firewall:edit`, `ssl:read`, or `*`. */
export type Permission = `${Resource}:${Access}` | '*';

/** What a route is about to do, and where. */
export interface Need {
  resource: Resource;
  access: Access;
  /** The zone the request touches, if any. */
  zoneId?: string;
  /** The account the request touches (the zone's account for zone routes). */
  accountId?: string;
}

/**
 * Whether `token` may do what `need` says. A policy matches when one of its scopes covers the
 * place (`*`, `account:<id>` for everything in that account, `zone:<id>` for that zone) and
 * one of its permissions covers the action (`*`, or `<resource>:edit` which includes read).
 * Nothing is allowed by default.
 */
export function allows(token: Pick<ApiToken, 'policies'>, need: Need): boolean {
  return token.policies.some((p) => policyAllows(p, need));
}

function policyAllows(policy: TokenPolicy, need: Need): boolean {
  if (policy.effect !== 'allow') return false;
  const inScope = policy.scopes.some(
    (s) =>
      s === '*' ||
      (need.accountId !== undefined && s === `account:${need.accountId}`) ||
      (need.zoneId !== undefined && s === `zone:${need.zoneId}`),
  );
  const permitted = policy.permissions.some(
    (p) =>
      p === '*' ||
      p === `${need.resource}:edit` ||
      (need.access === 'read' && p === `${need.resource}:read`),
  );
  return inScope && permitted;
}

/**
 * Throws the 403 answer unless the request's token allows `need`. Every route calls this
 * before it reads or changes anything; a route for one zone passes that zone and its account.
 */
export function authorize(request: FastifyRequest, need: Need): void {
  const token = request.token;
  if (!token) throw new ApiError('missingToken', 'authentication required');
  if (!allows(token, need)) {
    const where = need.zoneId
      ? ` on zone ${need.zoneId}`
      : need.accountId
        ? ` on account ${need.accountId}`
        : '';
    throw new ApiError('forbidden', `this token may not ${need.access} ${need.resource}${where}`);
  }
}
