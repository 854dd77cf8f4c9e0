import type { FastifyRequest } from 'fastify';
import type { Rule, RulesetInfo, Store, Transaction, Zone } from '../store/index.ts';
import { recordChange } from './audit.ts';
import { ApiError } from './errors.ts';
import { validateExpression } from './expression-check.ts';
import { rulesetView } from './rule-views.ts';

/** A zone's ruleset as both rule APIs read it: its name and version, and the ordered rules. */
export interface ZoneRules {
  info: RulesetInfo | undefined;
  rules: Rule[];
}

/** The zone's ruleset and rules, read in the transaction that may change them. */
export async function readZoneRules(tx: Transaction, zoneId: string): Promise<ZoneRules> {
  return { info: await tx.getRuleset(zoneId), rules: await tx.listRules(zoneId) };
}

/** Where a rule goes, as Cloudflare writes it. */
export interface Position {
  before?: string;
  after?: string;
  index?: number;
}

/** The 0-based place of `position` in `rules` (which does not hold the moving rule). */
export function placeOf(rules: readonly Rule[], position: Position | undefined): number {
  if (!position || Object.keys(position).length === 0) return rules.length;
  if (position.index !== undefined) return Math.min(position.index - 1, rules.length);
  const id = position.before ?? position.after!;
  const i = rules.findIndex((r) => r.id === id);
  if (i === -1) {
    const which = position.before !== undefined ? 'before' : 'after';
    throw new ApiError('invalidRequest', `position.${which}: rule ${id} is not in this ruleset`, {
      pointer: `/position/${which}`,
    });
  }
  return position.before !== undefined ? i : i + 1;
}

/** Checks every expression of `rules` against the zone's account; the first error is thrown. */
export async function checkExpressions(
  tx: Transaction,
  zone: Zone,
  rules: readonly { expression: string }[],
  pointer: (i: number) => string,
): Promise<void> {
  for (const [i, rule] of rules.entries()) {
    await validateExpression(tx, zone.accountId, rule.expression, pointer(i));
  }
}

/**
 * Records the change of a zone's ruleset in the audit log, with the whole ruleset before and
 * after: a rule's meaning depends on its place, so the list is the unit of change. Every
 * write ends here, so it is also where the rules' refs are checked to stay unique.
 */
export async function auditRuleset(
  tx: Transaction,
  request: FastifyRequest,
  zone: Zone,
  before: ZoneRules,
  action: string,
): Promise<ZoneRules> {
  const after = await readZoneRules(tx, zone.id);
  mustHaveUniqueRefs(after.rules);
  const view = (z: ZoneRules) => (z.info ? rulesetView(z.info, z.rules) : null);
  await recordChange(tx, request, {
    accountId: zone.accountId,
    zoneId: zone.id,
    action,
    resourceType: 'ruleset',
    resourceId: after.info?.id ?? before.info?.id ?? zone.id,
    before: view(before),
    after: view(after),
  });
  return after;
}

/**
 * Refuses two rules with one `ref`: tools such as Terraform find their rules by ref, and a
 * duplicate would make them change the wrong one.
 */
function mustHaveUniqueRefs(rules: readonly Rule[]): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.ref)) {
      throw new ApiError('invalidRequest', `two rules have the ref ${rule.ref}: refs are unique`, {
        pointer: '/ref',
      });
    }
    seen.add(rule.ref);
  }
}

/** Carries the result of a dry run out of the transaction that it rolls back. */
class DryRun<T> extends Error {
  constructor(readonly result: T) {
    super('dry run');
  }
}

/**
 * Runs `fn` in one transaction, or with `dryRun` runs it and rolls everything back (rules,
 * audit entry, configuration version) while still answering what it would have made:
 * Cloudflare's `dry_run=true`, which must never change what the edges enforce.
 */
export async function transactionOrDryRun<T>(
  store: Store,
  dryRun: boolean | undefined,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  if (!dryRun) return store.transaction(fn);
  try {
    await store.transaction(async (tx) => {
      throw new DryRun(await fn(tx));
    });
  } catch (err) {
    if (err instanceof DryRun) return err.result as T;
    throw err;
  }
  throw new Error('a dry run transaction returned instead of rolling back');
}
