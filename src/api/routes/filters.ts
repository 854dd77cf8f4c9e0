import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Rule, Store, Zone } from '../../store/index.ts';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import {
  asArray,
  matchesQuery,
  patchFromFilter,
  type LegacyFilterBody,
  type LegacyListQuery,
} from '../legacy-rules.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { filterView, legacyAction } from '../rule-views.ts';
import { auditRuleset, checkExpressions, readZoneRules } from '../ruleset-writes.ts';
import { pageQueryProperties, pathParams, type PageParams } from '../schemas/common.ts';
import { legacyFilter, legacyFilters } from '../schemas/rules.ts';
import type { RouteContext } from './index.ts';
import { ruleOf } from './firewall-rules.ts';

const tags = ['filters (legacy)'];
const read = { resource: 'firewall', access: 'read' } as const;
const edit = { resource: 'firewall', access: 'edit' } as const;
const zoneParams = pathParams('zone_id');
const filterParams = pathParams('zone_id', 'filter_id');

const listQuery = {
  type: 'object',
  properties: {
    ...pageQueryProperties,
    per_page: { type: 'integer', minimum: 1, maximum: 1000, default: 25 },
    id: { type: 'string', maxLength: 64 },
    description: { type: 'string', maxLength: 500 },
    expression: { type: 'string', maxLength: 16_384 },
    paused: { type: 'boolean' },
    ref: { type: 'string', maxLength: 200 },
  },
} as const;

type ZoneParams = { zone_id: string };
type FilterParams = { zone_id: string; filter_id: string };

/**
 * Cloudflare's legacy Filters API. In Portcullis a filter is the expression part of a firewall
 * rule and has the rule's id: filters are listed, read and changed here, and created and
 * deleted with their rule. `paused`, `description` and `ref` are the rule's.
 */
export async function filterRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);

  app.post<{ Params: ZoneParams }>(
    '/zones/:zone_id/filters',
    {
      schema: {
        tags,
        summary: 'Refused: filters are created with their rule',
        params: zoneParams,
        body: legacyFilters,
      },
      config: { need: edit },
    },
    async () => {
      throw new ApiError(
        'unsupportedValue',
        'a filter is created with its rule: POST /zones/{zone_id}/firewall/rules with ' +
          '{"action": …, "filter": {"expression": …}}',
      );
    },
  );

  app.get<{ Params: ZoneParams; Querystring: PageParams & LegacyListQuery }>(
    '/zones/:zone_id/filters',
    {
      schema: { tags, summary: 'List filters', params: zoneParams, querystring: listQuery },
      config: { need: read },
    },
    async (request) => {
      const { page, per_page: perPage, ...query } = request.query;
      const all = (await store.listRules(zoneOf(request).id)).filter((r) =>
        matchesQuery(r, query, legacyAction(r)),
      );
      const items = all.slice((page - 1) * perPage, page * perPage);
      return success(items.map(filterView), pageInfo(page, perPage, items.length, all.length));
    },
  );

  app.get<{ Params: FilterParams }>(
    '/zones/:zone_id/filters/:filter_id',
    { schema: { tags, summary: 'Get a filter', params: filterParams }, config: { need: read } },
    async (request) => success(filterView(await filterOf(store, request.params))),
  );

  app.put<{ Params: FilterParams; Body: LegacyFilterBody }>(
    '/zones/:zone_id/filters/:filter_id',
    {
      schema: { tags, summary: 'Update a filter', params: filterParams, body: legacyFilter },
      config: { need: edit },
    },
    async (request) => {
      const body = { ...request.body, id: request.params.filter_id };
      const [rule] = await updateFilters(store, request, zoneOf(request), [body]);
      return success(filterView(rule!));
    },
  );

  app.put<{ Params: ZoneParams; Body: LegacyFilterBody | LegacyFilterBody[] }>(
    '/zones/:zone_id/filters',
    {
      schema: { tags, summary: 'Update filters', params: zoneParams, body: legacyFilters },
      config: { need: edit },
    },
    async (request) => {
      const rules = await updateFilters(store, request, zoneOf(request), asArray(request.body));
      return success(rules.map(filterView));
    },
  );

  app.delete<{ Params: FilterParams }>(
    '/zones/:zone_id/filters/:filter_id',
    {
      schema: { tags, summary: 'Refused: a filter is deleted with its rule', params: filterParams },
      config: { need: edit },
    },
    async (request) => {
      const rule = await filterOf(store, request.params);
      throw new ApiError(
        'conflict',
        `filter ${rule.id} is used by firewall rule ${rule.id}: delete the rule instead`,
      );
    },
  );
}

async function filterOf(store: Store, params: FilterParams): Promise<Rule> {
  return ruleOf(store, { zone_id: params.zone_id, rule_id: params.filter_id }).catch(() => {
    throw new ApiError(
      'notFound',
      `filter ${params.filter_id} does not exist in zone ${params.zone_id}`,
    );
  });
}

async function updateFilters(
  store: Store,
  request: FastifyRequest,
  zone: Zone,
  bodies: LegacyFilterBody[],
): Promise<Rule[]> {
  return store.transaction(async (tx) => {
    const before = await readZoneRules(tx, zone.id);
    for (const [i, body] of bodies.entries()) {
      const rule = before.rules.find((r) => r.id === body.id);
      if (!rule) {
        throw new ApiError('notFound', `filter ${body.id ?? '(no id)'} does not exist`, {
          pointer: `/${i}/id`,
        });
      }
      const patch = patchFromFilter(body);
      if (patch.expression !== undefined) {
        await checkExpressions(tx, zone, [{ expression: patch.expression }], () =>
          bodies.length > 1 ? `/${i}/expression` : '/expression',
        );
      }
      await tx.updateRule(rule.id, patch);
    }
    const after = await auditRuleset(tx, request, zone, before, 'update');
    return bodies.map((b) => after.rules.find((r) => r.id === b.id)!);
  });
}
