import type { Filter, NewRule, Rule, RuleAction, RulesetInfo } from '../store/index.ts';
import { ApiError } from './errors.ts';

/**
 * How the zone's one rule list looks through Cloudflare's two rule APIs.
 *
 * | stored action | rulesets API                                     | legacy firewall rules |
 * |---------------|--------------------------------------------------|-----------------------|
 * | `block`       | `block`                                          | `block`               |
 * | `log`         | `log`                                            | `log`                 |
 * | `allow`       | `skip` with `action_parameters.ruleset: current` | `allow`               |
 * | `skip`        | `skip` (any other parameters)                    | `bypass`              |
 *
 * A legacy rule's `paused` is the stored `!enabled` and its `priority` is its place in the
 * list (1-based). Its filter has the rule's id, or the id of the filter it was made from.
 */

/** The phase whose entry point holds a zone's custom rules. */
export const CUSTOM_PHASE = 'http_request_firewall_custom';

/** Actions the rulesets API takes; Cloudflare's challenges have no meaning without a browser. */
export const RULESET_ACTIONS = ['block', 'skip', 'log'] as const;
const SKIP_PARAMETERS = ['ruleset', 'phases', 'products'];

/** Actions the legacy firewall rules API takes. */
export const LEGACY_ACTIONS = ['block', 'allow', 'log', 'bypass'] as const;

/** A rule as the rulesets API writes it in requests. */
export interface RulesetRuleBody {
  id?: string;
  ref?: string;
  action?: string;
  expression?: string;
  description?: string;
  enabled?: boolean;
  action_parameters?: Record<string, unknown>;
  logging?: { enabled?: boolean };
}

/** A stored rule as the rulesets API shows it: versions as strings, `allow` as `skip`. */
export function rulesetRuleView(rule: Rule) {
  const action = rule.action === 'allow' ? 'skip' : rule.action;
  return {
    id: rule.id,
    version: String(rule.version),
    action,
    expression: rule.expression,
    description: rule.description,
    last_updated: rule.lastUpdated,
    ref: rule.ref,
    enabled: rule.enabled,
    ...(rule.actionParameters ? { action_parameters: rule.actionParameters } : {}),
    ...(action === 'skip' ? { logging: { enabled: true } } : {}),
  };
}

/** The zone's ruleset with its rules, as the rulesets API answers every write. */
export function rulesetView(info: RulesetInfo, rules: Rule[]) {
  return {
    ...rulesetSummary(info),
    rules: rules.map(rulesetRuleView),
  };
}

/** A ruleset without its rules, as `GET /rulesets` and the versions list show it. */
export function rulesetSummary(info: RulesetInfo) {
  return {
    id: info.id,
    name: info.name,
    description: info.description,
    kind: 'zone',
    version: String(info.version),
    last_updated: info.lastUpdated,
    phase: CUSTOM_PHASE,
  };
}

/** The stored action of a rulesets-API rule; unsupported actions are refused. */
export function storedActionOfRuleset(
  action: string,
  parameters: Record<string, unknown> | undefined,
  pointer: string,
): RuleAction {
  if (!(RULESET_ACTIONS as readonly string[]).includes(action)) {
    throw new ApiError(
      'unsupportedValue',
      `action ${action} is not supported: use one of ${RULESET_ACTIONS.join(', ')}`,
      { pointer },
    );
  }
  // Parameters of one action given to another are a mistake the edge would silently ignore.
  const allowed = action === 'block' ? ['response'] : action === 'skip' ? SKIP_PARAMETERS : [];
  const stray = Object.keys(parameters ?? {}).find((k) => !allowed.includes(k));
  if (stray !== undefined) {
    throw new ApiError('invalidRequest', `action_parameters.${stray} does not apply to ${action}`, {
      pointer: pointer.replace(/\/action$/, `/action_parameters/${stray}`),
    });
  }
  if (action === 'skip' && parameters?.ruleset === 'current') return 'allow';
  return action as RuleAction;
}

/** A rulesets-API rule as the store takes it (the expression is checked elsewhere). */
export function ruleFromRulesetBody(
  body: RulesetRuleBody,
  pointer: string,
): Omit<NewRule, 'zoneId' | 'position'> {
  const parameters = body.action_parameters;
  return {
    ...(body.id ? { id: body.id } : {}),
    action: storedActionOfRuleset(body.action ?? 'block', parameters, `${pointer}/action`),
    expression: body.expression ?? '',
    description: body.description ?? '',
    enabled: body.enabled ?? true,
    ...(body.ref ? { ref: body.ref } : {}),
    actionParameters: parameters && Object.keys(parameters).length > 0 ? parameters : null,
  };
}

/** The legacy API's name of a stored action. */
export function legacyAction(rule: Rule): string {
  if (rule.action === 'skip') return 'bypass';
  return rule.action;
}

/** The stored action and parameters of a legacy action. */
export function storedActionOfLegacy(
  action: string,
  products: string[] | undefined,
  pointer: string,
): Pick<Rule, 'action' | 'actionParameters'> {
  switch (action) {
    case 'block':
    case 'log':
      return { action, actionParameters: null };
    case 'allow':
      return { action: 'allow', actionParameters: { ruleset: 'current' } };
    case 'bypass':
      return { action: 'skip', actionParameters: { products: products ?? [] } };
    default:
      throw new ApiError(
        'unsupportedValue',
        `action ${action} is not supported: use one of ${LEGACY_ACTIONS.join(', ')}`,
        { pointer },
      );
  }
}

/** A legacy filter: the expression part of a rule, or a filter that no rule uses. */
export interface FilterView {
  id: string;
  expression: string;
  paused: boolean;
  description: string;
  ref: string;
}

/** The filter part of a rule. */
export function filterView(rule: Rule): FilterView {
  return {
    id: rule.filterId,
    expression: rule.expression,
    paused: !rule.enabled,
    description: rule.description,
    ref: rule.ref,
  };
}

/** A filter that no rule uses. */
export function standaloneFilterView(filter: Filter): FilterView {
  return {
    id: filter.id,
    expression: filter.expression,
    paused: filter.paused,
    description: filter.description,
    ref: filter.ref,
  };
}

/** A stored rule as the legacy firewall rules API shows it, with its filter inline. */
export function legacyRuleView(rule: Rule) {
  const products = rule.actionParameters?.products;
  return {
    id: rule.id,
    paused: !rule.enabled,
    description: rule.description,
    action: legacyAction(rule),
    priority: rule.position + 1,
    filter: filterView(rule),
    ref: rule.ref,
    ...(rule.action === 'skip' && Array.isArray(products) ? { products } : {}),
    created_on: rule.lastUpdated,
    modified_on: rule.lastUpdated,
  };
}
