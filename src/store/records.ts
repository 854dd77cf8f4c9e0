import type { NewRule } from './store.ts';
import type { PageQuery, Rule } from './types.ts';

// Rules about records that every backend applies the same way.

/** LIMIT and OFFSET for a one-based page. */
export function limits(query: PageQuery | undefined, defaultPerPage = 20): [number, number] {
  const perPage = Math.max(1, query?.perPage ?? defaultPerPage);
  const page = Math.max(1, query?.page ?? 1);
  return [perPage, (page - 1) * perPage];
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}

/** Whether replacing `old` with `input` leaves the rule as it was (its version stays). */
export function sameRule(old: Rule, input: Omit<NewRule, 'zoneId' | 'position'>): boolean {
  return (
    old.action === input.action &&
    old.expression === input.expression &&
    old.description === (input.description ?? '') &&
    old.enabled === (input.enabled !== false) &&
    old.ref === (input.ref ?? old.id) &&
    JSON.stringify(old.actionParameters) === JSON.stringify(input.actionParameters ?? null)
  );
}
