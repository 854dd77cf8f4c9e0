/**
 * The zone's custom rules through the rulesets API: the entry point ruleset of the phase
 * `http_request_firewall_custom`. Every write answers with the whole ruleset, which the
 * Firewall Rules card shows as it is.
 */
import { api, ApiError } from '../../api/client.ts';
import type { RuleAction, Ruleset, RulesetRule } from '../../api/types.ts';

export const CUSTOM_PHASE = 'http_request_firewall_custom';

const entrypoint = (zoneId: string) =>
  `/zones/${zoneId}/rulesets/phases/${CUSTOM_PHASE}/entrypoint`;

/** The zone's rules in order; a zone that never had a rule has an empty list. */
export async function loadRuleset(zoneId: string, signal?: AbortSignal): Promise<Ruleset | null> {
  try {
    return await api.get<Ruleset>(entrypoint(zoneId), { signal });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** The choices of the Action select, and what each sends to the API. */
export const ACTIONS = [
  { id: 'block', label: 'Block', action: 'block' as RuleAction, parameters: undefined },
  {
    id: 'skip',
    label: 'Skip remaining rules',
    action: 'skip' as RuleAction,
    parameters: { ruleset: 'current' } as Record<string, unknown>,
  },
  { id: 'log', label: 'Log', action: 'log' as RuleAction, parameters: undefined },
] as const;

export type ActionChoice = (typeof ACTIONS)[number]['id'];

/** The choice a stored rule shows in the Action select. */
export function actionChoice(rule: Pick<RulesetRule, 'action'>): ActionChoice {
  return rule.action === 'skip' ? 'skip' : rule.action === 'log' ? 'log' : 'block';
}

/** How the rule list names an action. */
export function actionLabel(rule: Pick<RulesetRule, 'action' | 'action_parameters'>): string {
  if (rule.action === 'skip') {
    return rule.action_parameters?.ruleset === 'current' ? 'Skip' : 'Skip products';
  }
  return rule.action === 'log' ? 'Log' : 'Block';
}

export interface RuleInput {
  description: string;
  expression: string;
  action: ActionChoice;
  enabled?: boolean;
}

function body(input: RuleInput) {
  const choice = ACTIONS.find((a) => a.id === input.action) ?? ACTIONS[0];
  return {
    description: input.description,
    expression: input.expression,
    action: choice.action,
    ...(choice.parameters ? { action_parameters: choice.parameters } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
}

/** Adds a rule at the end, creating the zone's entry point ruleset when it has none yet. */
export async function createRule(
  zoneId: string,
  ruleset: Ruleset | null,
  input: RuleInput,
): Promise<Ruleset> {
  const id = ruleset?.id ?? (await api.put<Ruleset>(entrypoint(zoneId), { rules: [] })).id;
  return api.post<Ruleset>(`/zones/${zoneId}/rulesets/${id}/rules`, body(input));
}

/**
 * Changes a rule. The action is sent only when it changes, because sending it drops the
 * action's parameters (a block rule's custom response) on the API side.
 */
export async function updateRule(
  zoneId: string,
  ruleset: Ruleset,
  rule: RulesetRule,
  input: RuleInput,
): Promise<Ruleset> {
  const full = body(input);
  const patch =
    actionChoice(rule) === input.action
      ? { description: full.description, expression: full.expression }
      : full;
  return api.patch<Ruleset>(`/zones/${zoneId}/rulesets/${ruleset.id}/rules/${rule.id}`, patch);
}

export function setRuleEnabled(
  zoneId: string,
  ruleset: Ruleset,
  rule: RulesetRule,
  enabled: boolean,
) {
  return api.patch<Ruleset>(`/zones/${zoneId}/rulesets/${ruleset.id}/rules/${rule.id}`, {
    enabled,
  });
}

/** Moves a rule to a 1-based place in the list. */
export function moveRule(zoneId: string, ruleset: Ruleset, rule: RulesetRule, index: number) {
  return api.patch<Ruleset>(`/zones/${zoneId}/rulesets/${ruleset.id}/rules/${rule.id}`, {
    position: { index },
  });
}

export function deleteRule(zoneId: string, ruleset: Ruleset, rule: RulesetRule) {
  return api.delete<Ruleset>(`/zones/${zoneId}/rulesets/${ruleset.id}/rules/${rule.id}`);
}
