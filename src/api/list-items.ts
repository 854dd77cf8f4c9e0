import { checkExpression } from '../rules/index.ts';
import type { ListItem, ListKind, NewListItem, RuleList, Transaction } from '../store/index.ts';
import { ApiError } from './errors.ts';
import { listNamesIn } from '../rules/index.ts';
import { validateExpression } from './expression-check.ts';

/** A list item as Cloudflare's API writes it, one key per kind. */
export interface ListItemBody {
  ip?: string;
  hostname?: { url_hostname: string; exclude_exact_hostname?: boolean };
  asn?: number;
  redirect?: unknown;
  comment?: string;
}

/** Which field of a rule an item kind is checked against, as the engine will read it. */
const CHECK_FIELD: Record<Exclude<ListKind, 'asn'>, string> = {
  ip: 'ip.src',
  hostname: 'http.host',
};

function valueOf(kind: ListKind, item: ListItemBody, pointer: string): string {
  const value =
    kind === 'ip' ? item.ip : kind === 'hostname' ? item.hostname?.url_hostname : item.asn;
  if (value === undefined) {
    const key = kind === 'hostname' ? 'hostname.url_hostname' : kind;
    throw new ApiError('invalidRequest', `an item of a ${kind} list needs ${key}`, { pointer });
  }
  return kind === 'hostname' ? String(value).toLowerCase() : String(value);
}

/**
 * The body's items as store items, each checked for the list's kind with the rules engine's
 * own reader of list items, so that an item accepted here is one a rule can use.
 */
export function itemsFromBody(list: RuleList, body: ListItemBody[]): NewListItem[] {
  const items = body.map((item, i) => ({
    value: valueOf(list.kind, item, `/${i}`),
    comment: item.comment ?? '',
  }));
  if (list.kind === 'asn') return items;
  const values = items.map((i) => i.value);
  const check = checkExpression(`${CHECK_FIELD[list.kind]} in $items`, {
    lists: { items: values },
  });
  if (!check.ok) {
    const n = /item (\d+)/.exec(check.error.message)?.[1];
    throw new ApiError('invalidRequest', `invalid ${list.kind} list item: ${check.error.message}`, {
      pointer: n ? `/${Number(n) - 1}` : '',
    });
  }
  return items;
}

/** An item in Cloudflare's shape for its list's kind. */
export function itemView(list: RuleList, item: ListItem) {
  const value =
    list.kind === 'ip'
      ? { ip: item.value }
      : list.kind === 'hostname'
        ? { hostname: { url_hostname: item.value } }
        : { asn: Number(item.value) };
  return {
    id: item.id,
    ...value,
    comment: item.comment,
    created_on: item.createdOn,
    modified_on: item.modifiedOn,
  };
}

/** Every rule of the account's zones that names the list, as `zone id → rule`. */
export async function rulesUsingList(tx: Transaction, list: RuleList) {
  const zones = await tx.listZones({ accountId: list.accountId, perPage: 100_000 });
  const using = [];
  for (const zone of zones.items) {
    for (const rule of await tx.listRules(zone.id)) {
      if (listNamesIn(rule.expression).includes(list.name)) using.push(rule);
    }
  }
  return using;
}

/**
 * Checks again every rule that names the list, after its items changed in the same
 * transaction: a list change that would make a stored rule invalid is refused, so an invalid
 * configuration never reaches an edge.
 */
export async function recheckRulesUsing(tx: Transaction, list: RuleList): Promise<void> {
  for (const rule of await rulesUsingList(tx, list)) {
    await validateExpression(tx, list.accountId, rule.expression).catch((err: unknown) => {
      throw new ApiError(
        'conflict',
        `rule ${rule.id} would no longer be valid: ${(err as Error).message}`,
      );
    });
  }
}
