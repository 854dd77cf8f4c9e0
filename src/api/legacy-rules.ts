import type { Filter, FilterPatch, NewRule, Rule, RulePatch } from '../store/index.ts';
import { ApiError } from './errors.ts';
import { storedActionOfLegacy } from './rule-views.ts';

/** A filter as the legacy API writes it. */
export interface LegacyFilterBody {
  id?: string;
  expression?: string;
  paused?: boolean;
  description?: string;
  ref?: string;
}

/** A firewall rule as the legacy API writes it. */
export interface LegacyRuleBody {
  id?: string;
  action?: string | { mode: string };
  filter?: LegacyFilterBody;
  paused?: boolean;
  description?: string;
  priority?: number;
  ref?: string;
  products?: string[];
}

/** The legacy bodies as a list: Cloudflare's API takes arrays, its client sends one object. */
export function asArray<T>(body: T | T[]): T[] {
  return Array.isArray(body) ? body : [body];
}

function actionName(action: LegacyRuleBody['action']): string | undefined {
  return typeof action === 'object' ? action.mode : action;
}

/**
 * A new rule from a legacy body, with its filter inline (`{expression, …}`) or, when the
 * body names a filter by id, made from `filter`: a filter that no rule uses yet.
 */
export function newRuleFromLegacy(
  body: LegacyRuleBody,
  pointer: string,
  filter?: Filter,
): Omit<NewRule, 'zoneId' | 'position'> {
  const source = filter ?? body.filter;
  const expression = source?.expression;
  if (expression === undefined) {
    throw new ApiError('invalidRequest', 'a firewall rule needs filter.expression or filter.id', {
      pointer: `${pointer}/filter`,
    });
  }
  const action = actionName(body.action);
  if (action === undefined) {
    throw new ApiError('invalidRequest', 'a firewall rule needs an action', {
      pointer: `${pointer}/action`,
    });
  }
  const ref = body.ref ?? source?.ref;
  return {
    ...storedActionOfLegacy(action, body.products, `${pointer}/action`),
    expression,
    enabled: !(body.paused ?? source?.paused ?? false),
    description: body.description ?? source?.description ?? '',
    ...(ref ? { ref } : {}),
    ...(filter ? { filterId: filter.id } : {}),
  };
}

/** The changes a legacy rule body makes to a stored rule; absent fields stay. */
export function patchFromLegacy(rule: Rule, body: LegacyRuleBody, pointer: string): RulePatch {
  const action = actionName(body.action);
  const patch: RulePatch = {};
  if (action !== undefined) {
    Object.assign(patch, storedActionOfLegacy(action, body.products, `${pointer}/action`));
  }
  if (body.filter?.id !== undefined && body.filter.id !== rule.filterId) {
    throw new ApiError('conflict', `filter ${body.filter.id} belongs to another rule`, {
      pointer: `${pointer}/filter/id`,
    });
  }
  if (body.filter?.expression !== undefined) patch.expression = body.filter.expression;
  const paused = body.paused ?? body.filter?.paused;
  if (paused !== undefined) patch.enabled = !paused;
  const description = body.description ?? body.filter?.description;
  if (description !== undefined) patch.description = description;
  const ref = body.ref ?? body.filter?.ref;
  if (ref !== undefined) patch.ref = ref;
  if (body.priority !== undefined) patch.position = Math.max(0, body.priority - 1);
  return patch;
}

/** The changes a filter body makes to its rule. */
export function patchFromFilter(body: LegacyFilterBody): RulePatch {
  const patch: RulePatch = {};
  if (body.expression !== undefined) patch.expression = body.expression;
  if (body.paused !== undefined) patch.enabled = !body.paused;
  if (body.description !== undefined) patch.description = body.description;
  if (body.ref !== undefined) patch.ref = body.ref;
  return patch;
}

/** The changes a filter body makes to a filter that no rule uses. */
export function filterPatchFromBody(body: LegacyFilterBody): FilterPatch {
  const { expression, paused, description, ref } = body;
  return Object.fromEntries(
    Object.entries({ expression, paused, description, ref }).filter(([, v]) => v !== undefined),
  );
}

/** Cloudflare's filters of legacy lists: exact ids, substring of descriptions, flags. */
export interface LegacyListQuery {
  id?: string;
  action?: string;
  description?: string;
  expression?: string;
  paused?: boolean;
  ref?: string;
}

/** What the legacy list filters look at, of a rule or a filter. */
export interface Listed {
  id: string;
  action?: string;
  description: string;
  expression: string;
  paused: boolean;
  ref: string;
}

/** Whether a rule or filter passes the legacy list query; text filters are substrings. */
export function matchesQuery(item: Listed, q: LegacyListQuery): boolean {
  const contains = (text: string, part: string | undefined) =>
    part === undefined || text.toLowerCase().includes(part.toLowerCase());
  return (
    (q.id === undefined || q.id === item.id) &&
    (q.action === undefined || q.action === item.action) &&
    contains(item.description, q.description) &&
    contains(item.expression, q.expression) &&
    (q.paused === undefined || q.paused === item.paused) &&
    (q.ref === undefined || q.ref === item.ref)
  );
}
