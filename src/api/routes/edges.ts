import type { FastifyInstance } from 'fastify';
import type { EdgeNode } from '../../store/index.ts';
import { isLive } from '../edge-fleet.ts';
import { success } from '../envelope.ts';
import { guardRoutes } from '../route-guard.ts';
import type { RouteContext } from './index.ts';

/** One edge as the API shows it: what it reported, and what that means now. */
function edgeView(edge: EdgeNode, version: number, timeoutSeconds: number, now: number) {
  return {
    id: edge.id,
    name: edge.name,
    role: edge.role,
    applied_version: edge.appliedVersion,
    versions_behind: Math.max(0, version - edge.appliedVersion),
    source: edge.source,
    live: isLive(edge, timeoutSeconds, now),
    first_seen: edge.firstSeen,
    last_seen: edge.lastSeen,
  };
}

/**
 * `/edges` (Portcullis's own): every edge that reported to this installation, the version it
 * serves and whether it still counts for revocations. Edges serve every account, so the route
 * needs `edges:read` on every account (scope `*`).
 */
export async function edgeRoutes(
  app: FastifyInstance,
  { store, edgeTimeoutSeconds }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);

  app.get(
    '/edges',
    {
      schema: { tags: ['edges'], summary: 'List the edges and the configuration they serve' },
      config: { need: { resource: 'edges', access: 'read' } },
    },
    async () => {
      const [edges, version] = await Promise.all([store.listEdges(), store.configVersion()]);
      const now = Date.now();
      const live = edges.filter((e) => isLive(e, edgeTimeoutSeconds, now)).length;
      return {
        ...success(edges.map((e) => edgeView(e, version, edgeTimeoutSeconds, now))),
        result_info: { count: edges.length, live, config_version: version },
      };
    },
  );
}
