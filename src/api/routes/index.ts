import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.ts';
import { userTokenRoutes } from './user-tokens.ts';

/** What every route module receives besides the fastify instance. */
export interface RouteContext {
  store: Store;
}

/**
 * Registers every `/client/v4` route module; the caller applies the prefix. One line per
 * module, so that adding a resource touches only this list.
 */
export async function apiRoutes(app: FastifyInstance, options: RouteContext): Promise<void> {
  // Only the context goes on: fastify's own options (the prefix) must not be applied twice.
  const ctx: RouteContext = { store: options.store };
  await app.register(userTokenRoutes, ctx);
}
