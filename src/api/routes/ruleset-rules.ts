import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store, Transaction, Zone } from '../../store/index.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { ruleFromRulesetBody, rulesetView, type RulesetRuleBody } from '../rule-views.ts';
import {
  auditRuleset,
  checkExpressions,
  placeOf,
  readZoneRules,
  type Position,
  type ZoneRules,
} from '../ruleset-writes.ts';
import { pathParams } from '../schemas/common.ts';
import { editRulesetRuleBody, newRulesetRuleBody } from '../schemas/rules.ts';
import type { RouteContext } from './index.ts';
import { mustBeRuleset } from './rulesets.ts';

type RuleBody = RulesetRuleBody & { position?: Position };
type RulesetParams = { zone_id: string; ruleset_id: string };
type RuleParams = RulesetParams & { rule_id: string };

const tags = ['rulesets'];
const edit = { resource: 'firewall', access: 'edit' } as const;

/**
 * The rules of a zone's custom ruleset one at a time: add (at a `position`), edit (and move)
 * and delete. Each answers with the whole ruleset at its new version, as Cloudflare does.
 */
export async function rulesetRuleRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const ruleParams = pathParams('zone_id', 'ruleset_id', 'rule_id');
  const oneRule = '/zones/:zone_id/rulesets/:ruleset_id/rules/:rule_id';

  app.post(
    '/zones/:zone_id/rulesets/:ruleset_id/rules',
    {
      schema: {
        tags,
        summary: 'Add a rule to a ruleset',
        params: pathParams('zone_id', 'ruleset_id'),
        body: newRulesetRuleBody,
      },
      config: { need: edit },
    },
    (request: FastifyRequest<{ Params: RulesetParams; Body: RuleBody }>) =>
      changeRules(store, request, (tx, before, zone) => addRule(tx, before, zone, request.body)),
  );
  app.patch(
    oneRule,
    {
      schema: {
        tags,
        summary: 'Edit or move a rule of a ruleset',
        params: ruleParams,
        body: editRulesetRuleBody,
      },
      config: { need: edit },
    },
    (request: FastifyRequest<{ Params: RuleParams; Body: RuleBody }>) =>
      changeRules(store, request, (tx, before, zone) =>
        editRule(tx, before, zone, request.params, request.body),
      ),
  );
  app.delete(
    oneRule,
    {
      schema: { tags, summary: 'Delete a rule of a ruleset', params: ruleParams },
      config: { need: edit },
    },
    (request: FastifyRequest<{ Params: RuleParams }>) =>
      changeRules(store, request, async (tx, before) => {
        if (!before.rules.some((r) => r.id === request.params.rule_id)) {
          throw ruleNotFound(request.params);
        }
        await tx.deleteRule(request.params.rule_id);
      }),
  );
}

/**
 * Runs one change of the zone's ruleset in a transaction with its audit entry and answers the
 * whole ruleset at its new version.
 */
async function changeRules(
  store: Store,
  request: FastifyRequest<{ Params: RulesetParams }>,
  change: (tx: Transaction, before: ZoneRules, zone: Zone) => Promise<void>,
) {
  const zone = zoneOf(request);
  const after = await store.transaction(async (tx) => {
    const before = await readZoneRules(tx, zone.id);
    mustBeRuleset(before, request.params);
    await change(tx, before, zone);
    return auditRuleset(tx, request, zone, before, 'update');
  });
  return success(rulesetView(after.info!, after.rules));
}

async function addRule(tx: Transaction, before: ZoneRules, zone: Zone, body: RuleBody) {
  const { id: _ignored, ...input } = ruleFromRulesetBody(body, '');
  await checkExpressions(tx, zone, [input], () => '/expression');
  const position = placeOf(before.rules, body.position);
  await tx.createRule({ ...input, zoneId: zone.id, position });
}

async function editRule(
  tx: Transaction,
  before: ZoneRules,
  zone: Zone,
  params: RuleParams,
  body: RuleBody,
) {
  const rule = before.rules.find((r) => r.id === params.rule_id);
  if (!rule) throw ruleNotFound(params);
  const merged = ruleFromRulesetBody(
    {
      action: body.action ?? (rule.action === 'allow' ? 'skip' : rule.action),
      expression: body.expression ?? rule.expression,
      description: body.description ?? rule.description,
      enabled: body.enabled ?? rule.enabled,
      ref: body.ref ?? rule.ref,
      // Parameters belong to an action: a new action does not inherit the old one's.
      action_parameters:
        body.action_parameters ??
        (body.action === undefined ? (rule.actionParameters ?? undefined) : undefined),
    },
    '',
  );
  await checkExpressions(tx, zone, [merged], () => '/expression');
  const others = before.rules.filter((r) => r.id !== rule.id);
  const position = body.position ? placeOf(others, body.position) : undefined;
  await tx.updateRule(rule.id, { ...merged, ...(position !== undefined ? { position } : {}) });
}

function ruleNotFound(params: RuleParams): ApiError {
  return new ApiError(
    'notFound',
    `rule ${params.rule_id} does not exist in ruleset ${params.ruleset_id}`,
  );
}
