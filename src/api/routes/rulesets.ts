import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Rule, Store, Transaction, Zone } from '../../store/index.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import {
  CUSTOM_PHASE,
  ruleFromRulesetBody,
  rulesetSummary,
  rulesetView,
  type RulesetRuleBody,
} from '../rule-views.ts';
import {
  auditRuleset,
  checkExpressions,
  readZoneRules,
  transactionOrDryRun,
  type ZoneRules,
} from '../ruleset-writes.ts';
import { pathParams } from '../schemas/common.ts';
import { dryRunQuery, rulesetBody } from '../schemas/rules.ts';
import type { RouteContext } from './index.ts';

interface RulesetBody {
  name?: string;
  description?: string;
  kind?: string;
  phase?: string;
  rules?: RulesetRuleBody[];
}

const tags = ['rulesets'];
const read = { resource: 'firewall', access: 'read' } as const;
const edit = { resource: 'firewall', access: 'edit' } as const;
const rulesetParams = pathParams('zone_id', 'ruleset_id');
const phaseParams = {
  type: 'object',
  required: ['zone_id', 'phase'],
  properties: { zone_id: { type: 'string' }, phase: { type: 'string', maxLength: 100 } },
} as const;

type RulesetParams = { zone_id: string; ruleset_id: string };
type PhaseParams = { zone_id: string; phase: string };

/**
 * Cloudflare's rulesets API for a zone's custom rules: the entry point of the phase
 * `http_request_firewall_custom` is the zone's one rule list, which the legacy firewall rules
 * API reads and writes too. Every write is one transaction and one configuration version.
 */
export async function rulesetRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);
  const zoneParams = pathParams('zone_id');
  const byPhase = '/zones/:zone_id/rulesets/phases/:phase/entrypoint';
  const byId = '/zones/:zone_id/rulesets/:ruleset_id';
  const summary = (text: string) => ({ tags, summary: text });
  const writes = { querystring: dryRunQuery, body: rulesetBody };

  app.get(
    '/zones/:zone_id/rulesets',
    { schema: { ...summary('List rulesets'), params: zoneParams }, config: { need: read } },
    async (request) => {
      const info = await store.getRuleset(zoneOf(request).id);
      return success(info ? [rulesetSummary(info)] : [], { count: info ? 1 : 0 });
    },
  );
  app.post(
    '/zones/:zone_id/rulesets',
    {
      schema: {
        ...summary('Create the zone entry point ruleset of http_request_firewall_custom'),
        params: zoneParams,
        ...writes,
        body: { ...rulesetBody, required: ['name', 'kind', 'phase'] },
      },
      config: { need: edit },
    },
    createRuleset(store),
  );
  app.get(
    byPhase,
    {
      schema: { ...summary('Get an entry point ruleset'), params: phaseParams },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: PhaseParams }>) =>
      success(await entrypointOf(store, zoneOf(request), request.params.phase)),
  );
  app.put(
    byPhase,
    {
      schema: { ...summary('Replace an entry point ruleset'), params: phaseParams, ...writes },
      config: { need: edit },
    },
    replaceEntrypoint(store),
  );
  app.get(
    byId,
    { schema: { ...summary('Get a ruleset'), params: rulesetParams }, config: { need: read } },
    getRuleset(store),
  );
  app.put(
    byId,
    {
      schema: { ...summary('Replace a ruleset'), params: rulesetParams, ...writes },
      config: { need: edit },
    },
    replaceById(store),
  );
  app.delete(
    byId,
    {
      schema: {
        ...summary('Delete a ruleset and its rules'),
        params: rulesetParams,
        querystring: dryRunQuery,
      },
      config: { need: edit },
    },
    deleteRuleset(store),
  );
}

type WithParams<P, B = undefined> = FastifyRequest<{
  Params: P;
  Body: B;
  Querystring: { dry_run?: boolean };
}>;

function createRuleset(store: Store) {
  return async (request: WithParams<{ zone_id: string }, RulesetBody>) => {
    checkKindAndPhase(request.body);
    const zone = zoneOf(request);
    const result = await transactionOrDryRun(store, request.query.dry_run, async (tx) => {
      if (await tx.getRuleset(zone.id)) {
        throw new ApiError('conflict', `zone ${zone.id} already has a ${CUSTOM_PHASE} ruleset`);
      }
      return replaceRuleset(tx, request, zone, request.body, 'create');
    });
    return success(rulesetView(result.info!, result.rules));
  };
}

function replaceEntrypoint(store: Store) {
  return async (request: WithParams<PhaseParams, RulesetBody>) => {
    checkKindAndPhase({ phase: request.params.phase });
    const zone = zoneOf(request);
    const result = await transactionOrDryRun(store, request.query.dry_run, (tx) =>
      replaceRuleset(tx, request, zone, request.body, 'update'),
    );
    return success(rulesetView(result.info!, result.rules));
  };
}

function getRuleset(store: Store) {
  return async (request: WithParams<RulesetParams>) => {
    const current = await store.transaction((tx) => readZoneRules(tx, zoneOf(request).id));
    mustBeRuleset(current, request.params);
    return success(rulesetView(current.info!, current.rules));
  };
}

function replaceById(store: Store) {
  return async (request: WithParams<RulesetParams, RulesetBody>) => {
    checkKindAndPhase(request.body);
    const zone = zoneOf(request);
    const result = await transactionOrDryRun(store, request.query.dry_run, async (tx) => {
      mustBeRuleset(await readZoneRules(tx, zone.id), request.params);
      return replaceRuleset(tx, request, zone, request.body, 'update');
    });
    return success(rulesetView(result.info!, result.rules));
  };
}

function deleteRuleset(store: Store) {
  return async (request: WithParams<RulesetParams>, reply: FastifyReply) => {
    const zone = zoneOf(request);
    await transactionOrDryRun(store, request.query.dry_run, async (tx) => {
      const before = await readZoneRules(tx, zone.id);
      mustBeRuleset(before, request.params);
      await tx.deleteRuleset(zone.id);
      await auditRuleset(tx, request, zone, before, 'delete');
    });
    // Cloudflare answers 204 without a body, and its client expects exactly that.
    return reply.code(204).send();
  };
}

/** Only the zone entry point of the custom rules phase exists in Portcullis. */
function checkKindAndPhase(body: { kind?: string; phase?: string }): void {
  if (body.phase !== undefined && body.phase !== CUSTOM_PHASE) {
    throw new ApiError(
      'unsupportedValue',
      `phase ${body.phase} is not supported: use ${CUSTOM_PHASE}`,
      {
        pointer: '/phase',
      },
    );
  }
  if (body.kind !== undefined && body.kind !== 'zone') {
    throw new ApiError('unsupportedValue', `kind ${body.kind} is not supported: use zone`, {
      pointer: '/kind',
    });
  }
}

async function entrypointOf(store: Store, zone: Zone, phase: string) {
  const current =
    phase === CUSTOM_PHASE
      ? await store.transaction((tx) => readZoneRules(tx, zone.id))
      : undefined;
  if (!current?.info) {
    throw new ApiError('notFound', `zone ${zone.id} has no entry point ruleset for phase ${phase}`);
  }
  return rulesetView(current.info, current.rules);
}

/** Throws 404 unless the path's ruleset is the zone's. */
export function mustBeRuleset(current: ZoneRules, params: RulesetParams): void {
  if (current.info?.id !== params.ruleset_id) {
    throw new ApiError(
      'notFound',
      `ruleset ${params.ruleset_id} does not exist in zone ${params.zone_id}`,
    );
  }
}

/** Replaces the zone's rules (when `rules` is given) and its name or description, at once. */
async function replaceRuleset(
  tx: Transaction,
  request: FastifyRequest,
  zone: Zone,
  body: RulesetBody,
  action: string,
): Promise<ZoneRules> {
  const before = await readZoneRules(tx, zone.id);
  if (body.rules) {
    const rules = body.rules.map((r, i) => ruleFromRulesetBody(r, `/rules/${i}`));
    await checkExpressions(tx, zone, rules, (i) => `/rules/${i}/expression`);
    checkIds(rules, before.rules);
    await tx.replaceRules(zone.id, rules);
  }
  await tx.saveRuleset(zone.id, {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
  });
  return auditRuleset(tx, request, zone, before, action);
}

/** A rule given with an id keeps it only if it is already one of the zone's rules. */
function checkIds(rules: { id?: string }[], existing: Rule[]): void {
  const known = new Set(existing.map((r) => r.id));
  const seen = new Set<string>();
  for (const [i, r] of rules.entries()) {
    if (r.id === undefined) continue;
    if (!known.has(r.id) || seen.has(r.id)) {
      throw new ApiError('invalidRequest', `rule ${r.id} is not a rule of this ruleset`, {
        pointer: `/rules/${i}/id`,
      });
    }
    seen.add(r.id);
  }
}
