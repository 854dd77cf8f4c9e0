import type { FastifyInstance } from 'fastify';
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

  app.post<{ Params: RulesetParams; Body: RuleBody }>(
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
    async (request) => {
      const zone = zoneOf(request);
      const after = await store.transaction(async (tx) => {
        const before = await readZoneRules(tx, zone.id);
        mustBeRuleset(before, request.params);
        const { id: _ignored, ...input } = ruleFromRulesetBody(request.body, '');
        await checkExpressions(tx, zone, [input], () => '/expression');
        const position = placeOf(before.rules, request.body.position);
        await tx.createRule({ ...input, zoneId: zone.id, position });
        return auditRuleset(tx, request, zone, before, 'update');
      });
      return success(rulesetView(after.info!, after.rules));
    },
  );

  app.patch<{ Params: RuleParams; Body: RuleBody }>(
    '/zones/:zone_id/rulesets/:ruleset_id/rules/:rule_id',
    {
      schema: {
        tags,
        summary: 'Edit or move a rule of a ruleset',
        params: pathParams('zone_id', 'ruleset_id', 'rule_id'),
        body: editRulesetRuleBody,
      },
      config: { need: edit },
    },
    async (request) => {
      const zone = zoneOf(request);
      const after = await store.transaction(async (tx) => {
        const before = await readZoneRules(tx, zone.id);
        mustBeRuleset(before, request.params);
        const rule = before.rules.find((r) => r.id === request.params.rule_id);
        if (!rule) throw ruleNotFound(request.params);
        const body = request.body;
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
        await tx.updateRule(rule.id, {
          ...merged,
          ...(position !== undefined ? { position } : {}),
        });
        return auditRuleset(tx, request, zone, before, 'update');
      });
      return success(rulesetView(after.info!, after.rules));
    },
  );

  app.delete<{ Params: RuleParams }>(
    '/zones/:zone_id/rulesets/:ruleset_id/rules/:rule_id',
    {
      schema: {
        tags,
        summary: 'Delete a rule of a ruleset',
        params: pathParams('zone_id', 'ruleset_id', 'rule_id'),
      },
      config: { need: edit },
    },
    async (request) => {
      const zone = zoneOf(request);
      const after = await store.transaction(async (tx) => {
        const before = await readZoneRules(tx, zone.id);
        mustBeRuleset(before, request.params);
        if (!before.rules.some((r) => r.id === request.params.rule_id)) {
          throw ruleNotFound(request.params);
        }
        await tx.deleteRule(request.params.rule_id);
        return auditRuleset(tx, request, zone, before, 'update');
      });
      return success(rulesetView(after.info!, after.rules));
    },
  );
}

function ruleNotFound(params: RuleParams): ApiError {
  return new ApiError(
    'notFound',
    `rule ${params.rule_id} does not exist in ruleset ${params.ruleset_id}`,
  );
}
