import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store, Zone } from '../store/index.ts';
import { ApiError } from './errors.ts';
import { authorize, type Access, type Resource } from './permissions.ts';

/**
 * What a route needs of its token: a resource and an access level, or any valid token
 * (`public`: routes that read nothing of the account, such as checking an expression).
 * `from: 'body'` takes the account from the body's `account.id` (creating a zone);
 * `from: 'each'` lets any token through and leaves the route to show only the records the
 * token may see (lists of zones and accounts).
 */
export type RouteNeed =
  { resource: Resource; access: Access; from?: 'path' | 'body' | 'each' } | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs; checked by {@link guardRoutes} before validation. */
    need?: RouteNeed;
  }
}

const zones = new WeakMap<FastifyRequest, Zone>();

/**
 * Checks every route of `app` against its declared `config.need`, before the body is
 * validated or anything is read: the zone or account named in the path is the place the
 * permission must cover. A route without a declared need is refused, so a route added
 * without thinking about permissions fails closed.
 *
 * An unknown zone is checked as a zone of no account, so that a token limited to one zone
 * gets 403 for every other zone id whether it exists or not: ids are not probed that way.
 */
export function guardRoutes(app: FastifyInstance, store: Store): void {
  app.addHook('preValidation', async (request) => {
    const need = request.routeOptions.config.need;
    if (need === 'public') return;
    if (!need) throw new ApiError('forbidden', 'this route declares no permission');
    if (need.from === 'each') return;
    if (need.from === 'body') {
      const body = request.body as { account?: { id?: unknown } } | undefined;
      const accountId = body?.account?.id;
      authorize(request, { ...need, accountId: typeof accountId === 'string' ? accountId : '' });
      return;
    }
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    if (params.zone_id !== undefined) {
      const zone = await store.getZone(params.zone_id);
      authorize(request, { ...need, zoneId: params.zone_id, accountId: zone?.accountId });
      if (!zone) throw new ApiError('notFound', `zone ${params.zone_id} does not exist`);
      zones.set(request, zone);
      return;
    }
    authorize(request, { ...need, accountId: params.account_id });
    if (params.account_id !== undefined && !(await store.getAccount(params.account_id))) {
      throw new ApiError('notFound', `account ${params.account_id} does not exist`);
    }
  });
}

/** The zone named by the path of a request that {@link guardRoutes} let through. */
export function zoneOf(request: FastifyRequest): Zone {
  const zone = zones.get(request);
  if (!zone) throw new Error('zoneOf called on a route without a zone_id parameter');
  return zone;
}
