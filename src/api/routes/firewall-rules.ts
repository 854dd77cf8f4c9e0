import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Filter, Rule, Store, Transaction, Zone } from '../../store/index.ts';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import {
  asArray,
  matchesQuery,
  newRuleFromLegacy,
  patchFromLegacy,
  type LegacyListQuery,
  type LegacyRuleBody,
} from '../legacy-rules.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { filterView, legacyAction, legacyRuleView } from '../rule-views.ts';
import { auditRuleset, checkExpressions, readZoneRules } from '../ruleset-writes.ts';
import { pageQueryProperties, pathParams, type PageParams } from '../schemas/common.ts';
import { legacyRule, legacyRules } from '../schemas/rules.ts';
import type { RouteContext } from './index.ts';

const tags = ['firewall rules (legacy)'];
const read = { resource: 'firewall', access: 'read' } as const;
const edit = { resource: 'firewall', access: 'edit' } as const;
const zoneParams = pathParams('zone_id');
const ruleParams = pathParams('zone_id', 'rule_id');

const listQuery = {
  type: 'object',
  properties: {
    ...pageQueryProperties,
    per_page: { type: 'integer', minimum: 1, maximum: 1000, default: 25 },
    id: { type: 'string', maxLength: 64 },
    action: { type: 'string', maxLength: 64 },
    description: { type: 'string', maxLength: 500 },
    paused: { type: 'boolean' },
  },
} as const;

const idsQuery = {
  type: 'object',
  properties: { id: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 1000 } },
} as const;

type RuleParams = { zone_id: string; rule_id: string };

/**
 * Cloudflare's legacy Firewall Rules API over the zone's one rule list (see `rule-views.ts`
 * for how actions, `paused` and `priority` map). Writes take one rule or an array, as
 * Cloudflare's API does, and answer with an array; every write is one transaction.
 */
export async function firewallRuleRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const all = '/zones/:zone_id/firewall/rules';
  const one = '/zones/:zone_id/firewall/rules/:rule_id';

  app.post(
    all,
    {
      schema: { tags, summary: 'Create firewall rules', params: zoneParams, body: legacyRules },
      config: { need: edit },
    },
    createRules(store),
  );
  app.get(
    all,
    {
      schema: { tags, summary: 'List firewall rules', params: zoneParams, querystring: listQuery },
      config: { need: read },
    },
    listRules(store),
  );
  app.get(
    one,
    {
      schema: { tags, summary: 'Get a firewall rule', params: ruleParams },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: RuleParams }>) =>
      success(legacyRuleView(await ruleOf(store, request.params))),
  );
  for (const method of ['PUT', 'PATCH'] as const) {
    const verb = method === 'PUT' ? 'Update' : 'Edit';
    app.route({
      method,
      url: one,
      schema: { tags, summary: `${verb} a firewall rule`, params: ruleParams, body: legacyRule },
      config: { need: edit },
      handler: updateOne(store, method),
    });
    app.route({
      method,
      url: all,
      schema: { tags, summary: `${verb} firewall rules`, params: zoneParams, body: legacyRules },
      config: { need: edit },
      handler: async (request: FastifyRequest<{ Body: LegacyRuleBody | LegacyRuleBody[] }>) => {
        const rules = await updateRules(store, request, zoneOf(request), asArray(request.body));
        return success(rules.map(legacyRuleView));
      },
    });
  }
  app.delete(
    one,
    {
      schema: { tags, summary: 'Delete a firewall rule', params: ruleParams },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Params: RuleParams }>) => {
      await ruleOf(store, request.params);
      await deleteRules(store, request, zoneOf(request), [request.params.rule_id]);
      return success({ id: request.params.rule_id });
    },
  );
  app.delete(
    all,
    {
      schema: {
        tags,
        summary: 'Delete firewall rules by id (ids not found are ignored)',
        params: zoneParams,
        querystring: idsQuery,
      },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Querystring: { id?: string[] } }>) => {
      const ids = await deleteRules(store, request, zoneOf(request), request.query.id ?? []);
      return success(ids.map((id) => ({ id })));
    },
  );
}

function createRules(store: Store) {
  return async (request: FastifyRequest<{ Body: LegacyRuleBody | LegacyRuleBody[] }>) => {
    const zone = zoneOf(request);
    const bodies = asArray(request.body);
    const at = (i: number) => pointer(request.body, i);
    const created = await writeRules(store, request, zone, async (tx) => {
      const inputs = [];
      for (const [i, body] of bodies.entries()) {
        inputs.push(newRuleFromLegacy(body, at(i), await unusedFilter(tx, zone.id, body, at(i))));
      }
      await checkExpressions(tx, zone, inputs, (i) => `${at(i)}/filter/expression`);
      const ids: string[] = [];
      for (const [i, input] of inputs.entries()) {
        const priority = bodies[i]!.priority;
        const position = priority === undefined ? undefined : Math.max(0, priority - 1);
        ids.push((await tx.createRule({ ...input, zoneId: zone.id, position })).id);
        // The filter now lives on as the rule's; its id stays the same.
        if (input.filterId !== undefined) await tx.deleteFilter(input.filterId);
      }
      return ids;
    });
    return success(created.map(legacyRuleView));
  };
}

function listRules(store: Store) {
  return async (request: FastifyRequest<{ Querystring: PageParams & LegacyListQuery }>) => {
    const { page, per_page: perPage, ...query } = request.query;
    const all = (await store.listRules(zoneOf(request).id)).filter((r) =>
      matchesQuery({ ...filterView(r), id: r.id, action: legacyAction(r) }, query),
    );
    const items = all.slice((page - 1) * perPage, page * perPage);
    return success(items.map(legacyRuleView), pageInfo(page, perPage, items.length, all.length));
  };
}

function updateOne(store: Store, method: 'PUT' | 'PATCH') {
  return async (request: FastifyRequest<{ Params: RuleParams; Body: LegacyRuleBody }>) => {
    const body = { ...request.body, id: request.params.rule_id };
    const [rule] = await updateRules(store, request, zoneOf(request), [body]);
    // Cloudflare's PATCH answers with an array of rules, its PUT with one rule.
    return success(method === 'PATCH' ? [legacyRuleView(rule!)] : legacyRuleView(rule!));
  };
}

function pointer(body: unknown, i: number): string {
  return Array.isArray(body) ? `/${i}` : '';
}

/** A rule of the path's zone, or 404. */
export async function ruleOf(
  store: Pick<Transaction, 'getRule'>,
  params: { zone_id: string; rule_id: string },
): Promise<Rule> {
  const rule = await store.getRule(params.rule_id);
  if (!rule || rule.zoneId !== params.zone_id) {
    throw new ApiError(
      'notFound',
      `rule ${params.rule_id} does not exist in zone ${params.zone_id}`,
    );
  }
  return rule;
}

/** Runs one change of the zone's rules with its audit entry; answers the rules it names. */
async function writeRules(
  store: Store,
  request: FastifyRequest,
  zone: Zone,
  change: (tx: Transaction) => Promise<string[]>,
): Promise<Rule[]> {
  return store.transaction(async (tx) => {
    const before = await readZoneRules(tx, zone.id);
    const ids = await change(tx);
    const after = await auditRuleset(tx, request, zone, before, 'update');
    return ids.map((id) => after.rules.find((r) => r.id === id)!).filter(Boolean);
  });
}

/** Applies legacy bodies that each name an existing rule by `id`. */
export async function updateRules(
  store: Store,
  request: FastifyRequest,
  zone: Zone,
  bodies: LegacyRuleBody[],
): Promise<Rule[]> {
  return writeRules(store, request, zone, async (tx) => {
    const patches = [];
    for (const [i, body] of bodies.entries()) {
      if (body.id === undefined) {
        throw new ApiError('invalidRequest', 'each rule needs its id', { pointer: `/${i}/id` });
      }
      const rule = await ruleOf(tx, { zone_id: zone.id, rule_id: body.id });
      patches.push({ rule, patch: patchFromLegacy(rule, body, bodies.length > 1 ? `/${i}` : '') });
    }
    const changed = patches.filter((p) => p.patch.expression !== undefined);
    await checkExpressions(
      tx,
      zone,
      changed.map((p) => ({ expression: p.patch.expression! })),
      (i) => `/${bodies.findIndex((b) => b.id === changed[i]!.rule.id)}/filter/expression`,
    );
    for (const { rule, patch } of patches) await tx.updateRule(rule.id, patch);
    return patches.map((p) => p.rule.id);
  });
}

/**
 * The filter a legacy body names by id, if any: it must be a filter of the zone that no rule
 * uses. A filter that a rule uses cannot serve a second rule.
 */
async function unusedFilter(
  tx: Transaction,
  zoneId: string,
  body: LegacyRuleBody,
  at: string,
): Promise<Filter | undefined> {
  const id = body.filter?.id;
  if (id === undefined) return undefined;
  const filter = await tx.getFilter(id);
  if (filter?.zoneId === zoneId) return filter;
  const user = (await tx.listRules(zoneId)).find((r) => r.filterId === id);
  if (user) {
    throw new ApiError('conflict', `filter ${id} is already used by rule ${user.id}`, {
      pointer: `${at}/filter/id`,
    });
  }
  throw new ApiError('notFound', `filter ${id} does not exist in zone ${zoneId}`, {
    pointer: `${at}/filter/id`,
  });
}

/**
 * Deletes the zone's rules with these ids and answers the ids that existed. As in
 * Cloudflare, a rule's filter outlives it: it stays, unused, under the same id.
 */
export async function deleteRules(
  store: Store,
  request: FastifyRequest,
  zone: Zone,
  ids: string[],
): Promise<string[]> {
  return store.transaction(async (tx) => {
    const before = await readZoneRules(tx, zone.id);
    const found = before.rules.filter((r) => ids.includes(r.id));
    for (const rule of found) {
      await tx.deleteRule(rule.id);
      await tx.createFilter({
        id: rule.filterId,
        zoneId: zone.id,
        expression: rule.expression,
        description: rule.description,
        paused: !rule.enabled,
        ref: rule.ref,
      });
    }
    if (found.length > 0) await auditRuleset(tx, request, zone, before, 'update');
    return found.map((r) => r.id);
  });
}
