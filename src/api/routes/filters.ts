import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Filter, Rule, Store, Transaction, Zone } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import {
  asArray,
  filterPatchFromBody,
  matchesQuery,
  patchFromFilter,
  type LegacyFilterBody,
  type LegacyListQuery,
} from '../legacy-rules.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { filterView, standaloneFilterView, type FilterView } from '../rule-views.ts';
import { auditRuleset, checkExpressions, readZoneRules } from '../ruleset-writes.ts';
import { pageQueryProperties, pathParams, type PageParams } from '../schemas/common.ts';
import { legacyFilter, legacyFilters } from '../schemas/rules.ts';
import type { RouteContext } from './index.ts';

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

const idsQuery = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 1000 } },
} as const;

const newFilter = { ...legacyFilter, required: ['expression'] } as const;
const newFilters = {
  anyOf: [{ type: 'array', items: newFilter, minItems: 1, maxItems: 1000 }, newFilter],
} as const;

type ZoneParams = { zone_id: string };
type FilterParams = { zone_id: string; filter_id: string };

/** A filter of the zone: the one of a rule, or one that no rule uses. */
type Found = { rule: Rule; filter?: undefined } | { rule?: undefined; filter: Filter };

/**
 * Cloudflare's legacy Filters API. A filter is the expression part of a firewall rule (with
 * the rule's `paused`, `description` and `ref`), or a filter created here that no rule uses
 * yet: `POST /firewall/rules` with `filter: {id}` makes a rule from it. A filter that a rule
 * uses cannot be deleted; delete the rule, and its filter stays.
 */
export async function filterRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);
  const all = '/zones/:zone_id/filters';
  const one = '/zones/:zone_id/filters/:filter_id';
  type One = FastifyRequest<{ Params: FilterParams }>;
  type Many = FastifyRequest<{ Body: LegacyFilterBody | LegacyFilterBody[] }>;

  app.post(
    all,
    {
      schema: { tags, summary: 'Create filters', params: zoneParams, body: newFilters },
      config: { need: edit },
    },
    async (request: Many) => success(await createFilters(store, request)),
  );
  app.get(
    all,
    {
      schema: { tags, summary: 'List filters', params: zoneParams, querystring: listQuery },
      config: { need: read },
    },
    listFilters(store),
  );
  app.get(
    one,
    { schema: { tags, summary: 'Get a filter', params: filterParams }, config: { need: read } },
    async (request: One) => {
      const found = await findFilter(store, request.params.zone_id, request.params.filter_id);
      return success(found.rule ? filterView(found.rule) : standaloneFilterView(found.filter));
    },
  );
  app.put(
    one,
    {
      schema: { tags, summary: 'Update a filter', params: filterParams, body: legacyFilter },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Params: FilterParams; Body: LegacyFilterBody }>) => {
      const body = { ...request.body, id: request.params.filter_id };
      const [view] = await updateFilters(store, request, zoneOf(request), [body], false);
      return success(view);
    },
  );
  app.put(
    all,
    {
      schema: { tags, summary: 'Update filters', params: zoneParams, body: legacyFilters },
      config: { need: edit },
    },
    async (request: Many) => {
      const [bodies, many] = [asArray(request.body), Array.isArray(request.body)];
      return success(await updateFilters(store, request, zoneOf(request), bodies, many));
    },
  );
  app.delete(
    one,
    {
      schema: { tags, summary: 'Delete a filter that no rule uses', params: filterParams },
      config: { need: edit },
    },
    async (request: One) => {
      await deleteFilters(store, request, zoneOf(request), [request.params.filter_id], true);
      return success({ id: request.params.filter_id });
    },
  );
  app.delete(
    all,
    {
      schema: {
        tags,
        summary: 'Delete filters that no rule uses, by id',
        params: zoneParams,
        querystring: idsQuery,
      },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Querystring: { id: string[] } }>) => {
      const ids = await deleteFilters(store, request, zoneOf(request), request.query.id, false);
      return success(ids.map((id) => ({ id })));
    },
  );
}

async function createFilters(
  store: Store,
  request: FastifyRequest<{ Body: LegacyFilterBody | LegacyFilterBody[] }>,
): Promise<FilterView[]> {
  const zone = zoneOf(request);
  const bodies = asArray(request.body) as (LegacyFilterBody & { expression: string })[];
  const at = (i: number) => (Array.isArray(request.body) ? `/${i}` : '');
  return store.transaction(async (tx) => {
    await checkExpressions(tx, zone, bodies, (i) => `${at(i)}/expression`);
    const out = [];
    for (const { id: _ignored, ...fields } of bodies) {
      const view = standaloneFilterView(await tx.createFilter({ ...fields, zoneId: zone.id }));
      await auditFilter(tx, request, zone, 'create', view.id, undefined, view);
      out.push(view);
    }
    return out;
  });
}

function listFilters(store: Store) {
  return async (
    request: FastifyRequest<{ Params: ZoneParams; Querystring: PageParams & LegacyListQuery }>,
  ) => {
    const { page, per_page: perPage, ...query } = request.query;
    const all = await allFilters(store, zoneOf(request).id);
    const matching = all.filter((f) => matchesQuery(f, query));
    const items = matching.slice((page - 1) * perPage, page * perPage);
    return success(items, pageInfo(page, perPage, items.length, matching.length));
  };
}

/** The zone's filters: those of its rules, in rule order, then those no rule uses. */
async function allFilters(store: Store, zoneId: string): Promise<FilterView[]> {
  const rules = await store.listRules(zoneId);
  const unused = await store.listFilters(zoneId);
  return [...rules.map(filterView), ...unused.map(standaloneFilterView)];
}

async function findFilter(
  tx: Pick<Transaction, 'listRules' | 'getFilter'>,
  zoneId: string,
  id: string,
): Promise<Found> {
  const rule = (await tx.listRules(zoneId)).find((r) => r.filterId === id);
  if (rule) return { rule };
  const filter = await tx.getFilter(id);
  if (filter?.zoneId === zoneId) return { filter };
  throw new ApiError('notFound', `filter ${id} does not exist in zone ${zoneId}`);
}

async function updateFilters(
  store: Store,
  request: FastifyRequest,
  zone: Zone,
  bodies: LegacyFilterBody[],
  many: boolean,
): Promise<FilterView[]> {
  return store.transaction(async (tx) => {
    const before = await readZoneRules(tx, zone.id);
    const out: FilterView[] = [];
    let rulesChanged = false;
    for (const [i, body] of bodies.entries()) {
      const at = many ? `/${i}` : '';
      if (body.id === undefined) {
        throw new ApiError('invalidRequest', 'each filter needs its id', { pointer: `${at}/id` });
      }
      const found = await findFilter(tx, zone.id, body.id);
      if (body.expression !== undefined) {
        await checkExpressions(
          tx,
          zone,
          [{ expression: body.expression }],
          () => `${at}/expression`,
        );
      }
      if (found.rule) {
        out.push(filterView(await tx.updateRule(found.rule.id, patchFromFilter(body))));
        rulesChanged = true;
      } else {
        const after = await tx.updateFilter(found.filter.id, filterPatchFromBody(body));
        const [old, now] = [standaloneFilterView(found.filter), standaloneFilterView(after)];
        await auditFilter(tx, request, zone, 'update', after.id, old, now);
        out.push(now);
      }
    }
    if (rulesChanged) await auditRuleset(tx, request, zone, before, 'update');
    return out;
  });
}

/** Deletes unused filters; `strict` makes a missing id a 404, else it is skipped. */
async function deleteFilters(
  store: Store,
  request: FastifyRequest,
  zone: Zone,
  ids: string[],
  strict: boolean,
): Promise<string[]> {
  return store.transaction(async (tx) => {
    const deleted: string[] = [];
    for (const id of ids) {
      const found = await findFilter(tx, zone.id, id).catch((err: unknown) => {
        if (strict) throw err;
        return undefined;
      });
      if (!found) continue;
      if (found.rule) {
        throw new ApiError(
          'conflict',
          `filter ${id} is used by firewall rule ${found.rule.id}: delete the rule first`,
        );
      }
      await tx.deleteFilter(id);
      await auditFilter(
        tx,
        request,
        zone,
        'delete',
        id,
        standaloneFilterView(found.filter),
        undefined,
      );
      deleted.push(id);
    }
    return deleted;
  });
}

async function auditFilter(
  tx: Transaction,
  request: FastifyRequest,
  zone: Zone,
  action: string,
  id: string,
  before: FilterView | undefined,
  after: FilterView | undefined,
): Promise<void> {
  await recordChange(tx, request, {
    accountId: zone.accountId,
    zoneId: zone.id,
    action,
    resourceType: 'filter',
    resourceId: id,
    before,
    after,
  });
}
