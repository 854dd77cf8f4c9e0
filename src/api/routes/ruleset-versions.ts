import type { FastifyInstance } from 'fastify';
import type { Store, Zone } from '../../store/index.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { CUSTOM_PHASE, rulesetSummary, rulesetView } from '../rule-views.ts';
import { readZoneRules, type ZoneRules } from '../ruleset-writes.ts';
import { pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const tags = ['rulesets'];
const read = { resource: 'firewall', access: 'read' } as const;
const versionParam = { type: 'string', pattern: '^[0-9]+$', maxLength: 12 } as const;

const byId = pathParams('zone_id', 'ruleset_id');
const byPhase = {
  type: 'object',
  required: ['zone_id', 'phase'],
  properties: { zone_id: { type: 'string' }, phase: { type: 'string', maxLength: 100 } },
} as const;
const withVersion = <T extends { required: readonly string[]; properties: object }>(s: T) =>
  ({
    ...s,
    required: [...s.required, 'version'],
    properties: { ...s.properties, version: versionParam },
  }) as const;

type Params = { zone_id: string; ruleset_id?: string; phase?: string; version?: string };

/**
 * Ruleset versions. Portcullis keeps no history of a ruleset: the list holds the current
 * version only, and only the current version can be read. Clients that read the version they
 * just wrote work; reading an older one answers 404.
 */
export async function rulesetVersionRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const routes = [
    ['/zones/:zone_id/rulesets/:ruleset_id/versions', byId],
    ['/zones/:zone_id/rulesets/phases/:phase/entrypoint/versions', byPhase],
  ] as const;

  for (const [url, params] of routes) {
    app.get<{ Params: Params }>(
      url,
      {
        schema: { tags, summary: 'List the versions of a ruleset', params },
        config: { need: read },
      },
      async (request) => {
        const current = await currentOf(store, zoneOf(request), request.params);
        return success([rulesetSummary(current.info!)]);
      },
    );
    app.get<{ Params: Params }>(
      `${url}/:version`,
      {
        schema: { tags, summary: 'Get a version of a ruleset', params: withVersion(params) },
        config: { need: read },
      },
      async (request) => {
        const current = await currentOf(store, zoneOf(request), request.params);
        if (String(current.info!.version) !== request.params.version) {
          throw new ApiError(
            'notFound',
            `version ${request.params.version} is not kept: only the current version ` +
              `${current.info!.version} is`,
          );
        }
        return success(rulesetView(current.info!, current.rules));
      },
    );
  }
}

async function currentOf(store: Store, zone: Zone, params: Params): Promise<ZoneRules> {
  const current = await store.transaction((tx) => readZoneRules(tx, zone.id));
  const matches =
    params.ruleset_id !== undefined
      ? current.info?.id === params.ruleset_id
      : params.phase === CUSTOM_PHASE && current.info !== undefined;
  if (!matches) {
    throw new ApiError('notFound', `zone ${zone.id} has no such ruleset`);
  }
  return current;
}
