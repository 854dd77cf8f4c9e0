/**
 * The Expression Builder's side of the Rules engine: the fields and operators it offers with
 * the dashboard's names for them, rows as the form edits them (values as typed text), and
 * the conversions to and from the engine's builder rows and canonical text.
 */
import {
  BUILDER_OPERATORS,
  cloudflareScheme,
  formatExpression,
  fromBuilderRows,
  parseExpression,
  RuleError,
  toBuilderRows,
  type BuilderJoiner,
  type BuilderOperator,
  type BuilderRow,
  type ParseOptions,
} from '../../../../src/rules/index.ts';

/** The dashboard names of the fields people pick most; other fields show their own name. */
const FIELD_LABELS: Record<string, string> = {
  'http.host': 'Hostname',
  'http.request.uri': 'URI',
  'http.request.uri.path': 'URI Path',
  'http.request.uri.query': 'URI Query String',
  'http.request.full_uri': 'URI Full',
  'http.request.method': 'Request Method',
  'http.request.version': 'HTTP Version',
  'http.cookie': 'Cookie',
  'http.referer': 'Referer',
  'http.user_agent': 'User Agent',
  'http.x_forwarded_for': 'X-Forwarded-For',
  'ip.src': 'IP Source Address',
  'ip.src.country': 'Country',
  'ip.src.asnum': 'AS Num',
  ssl: 'SSL/HTTPS',
  'cf.tls_client_auth.cert_presented': 'Client Certificate Presented',
  'cf.tls_client_auth.cert_verified': 'Client Certificate Verified',
  'cf.tls_client_auth.cert_revoked': 'Client Certificate Revoked',
  'cf.tls_client_auth.cert_subject_dn': 'Client Certificate Subject DN',
  'cf.tls_client_auth.cert_issuer_dn': 'Client Certificate Issuer DN',
  'cf.tls_client_auth.cert_serial': 'Client Certificate Serial',
  'cf.tls_client_auth.cert_fingerprint_sha256': 'Client Certificate SHA-256 Fingerprint',
  'cf.tls_client_auth.cert_ski': 'Client Certificate SKI',
  'cf.tls_client_auth.cert_issuer_ski': 'Client Certificate Issuer SKI',
};

export const OPERATOR_LABELS: Record<BuilderOperator, string> = {
  eq: 'equals',
  ne: 'does not equal',
  contains: 'contains',
  not_contains: 'does not contain',
  matches: 'matches regex',
  not_matches: 'does not match regex',
  wildcard: 'wildcard',
  strict_wildcard: 'strict wildcard',
  starts_with: 'starts with',
  not_starts_with: 'does not start with',
  ends_with: 'ends with',
  not_ends_with: 'does not end with',
  in: 'is in',
  not_in: 'is not in',
  lt: 'is less than',
  le: 'is less than or equal to',
  gt: 'is greater than',
  ge: 'is greater than or equal to',
};

type ScalarKind = keyof typeof BUILDER_OPERATORS;

export interface BuilderField {
  name: string;
  label: string;
  kind: ScalarKind;
  description?: string;
}

/** Every field the builder can show: scalar fields, the named ones first. */
export const BUILDER_FIELDS: BuilderField[] = (() => {
  const fields: BuilderField[] = [];
  for (const f of cloudflareScheme.fields()) {
    const kind = f.type.kind;
    if (kind !== 'Bytes' && kind !== 'Int' && kind !== 'Ip' && kind !== 'Bool') continue;
    fields.push({
      name: f.name,
      label: FIELD_LABELS[f.name] ?? f.name,
      kind,
      description: f.description,
    });
  }
  const named = Object.keys(FIELD_LABELS);
  const rank = (f: BuilderField) => {
    const i = named.indexOf(f.name);
    return i === -1 ? named.length : i;
  };
  return fields.sort((a, b) => rank(a) - rank(b));
})();

export function fieldOf(name: string): BuilderField | undefined {
  return BUILDER_FIELDS.find((f) => f.name === name);
}

export function fieldLabel(name: string): string {
  return FIELD_LABELS[name] ?? name;
}

/** A row as the form holds it: the value is the text in its input. */
export interface EditRow {
  key: number;
  field: string;
  operator: BuilderOperator;
  value: string;
}

export interface BuilderState {
  rows: EditRow[];
  joiner: BuilderJoiner;
}

let nextKey = 1;

export function newRow(field = 'http.host'): EditRow {
  const kind = fieldOf(field)?.kind ?? 'Bytes';
  return { key: nextKey++, field, operator: 'eq', value: kind === 'Bool' ? 'true' : '' };
}

/** Operators whose value is a list of items. */
export function takesList(operator: BuilderOperator): boolean {
  return operator === 'in' || operator === 'not_in';
}

function editValue(value: BuilderRow['value']): string {
  if (!Array.isArray(value)) return String(value);
  const item = (v: string | number) =>
    typeof v === 'string' && /[\s,"]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : String(v);
  return value.map(item).join(' ');
}

/** Lists (`$name`) parse without the account's lists at hand; the API checks them on save. */
const parseOptions: ParseOptions = { lists: () => [] };

export type FromTextResult = { ok: true; state: BuilderState } | { ok: false; reason: string };

/** The builder state of an expression, or why the builder cannot show it. */
export function builderFromText(text: string): FromTextResult {
  let expression;
  try {
    expression = parseExpression(text, parseOptions);
  } catch (err) {
    if (err instanceof RuleError)
      return { ok: false, reason: `the expression is not valid: ${err.message}` };
    throw err;
  }
  const result = toBuilderRows(expression);
  if (!result.ok) return { ok: false, reason: result.reason };
  for (const row of result.rows) {
    if (!fieldOf(row.field)) return { ok: false, reason: `the builder has no field ${row.field}` };
  }
  const rows = result.rows.map((r) => ({
    key: nextKey++,
    field: r.field,
    operator: r.operator,
    value: editValue(r.value),
  }));
  return { ok: true, state: { rows, joiner: result.joiner } };
}

/** The items of a list value: separated by spaces or commas, quotes optional. */
export function splitItems(text: string): string[] {
  const items: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^\s,]+)/g;
  for (const m of text.matchAll(re)) {
    items.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] as string));
  }
  return items;
}

function scalarValue(kind: ScalarKind, text: string): string | number {
  if (kind === 'Int' && /^-?\d+$/.test(text.trim())) return Number(text.trim());
  return kind === 'Bytes' ? text : text.trim();
}

function rowOf(row: EditRow): BuilderRow {
  const kind = fieldOf(row.field)?.kind ?? 'Bytes';
  if (kind === 'Bool') return { field: row.field, operator: 'eq', value: row.value !== 'false' };
  if (takesList(row.operator)) {
    const text = row.value.trim();
    // A named list is written as `$name`; everything else is an inline set.
    if (/^\$[a-z0-9_]+$/.test(text))
      return { field: row.field, operator: row.operator, value: text };
    return {
      field: row.field,
      operator: row.operator,
      value: splitItems(text).map((item) => scalarValue(kind, item)),
    };
  }
  return { field: row.field, operator: row.operator, value: scalarValue(kind, row.value) };
}

export type ToTextResult = { ok: true; text: string } | { ok: false; error: string; row?: number };

/**
 * The text of the builder's rows as the Expression Preview shows and Save stores it: the
 * canonical form in parentheses, as the mTLS rule is written.
 */
export function textFromBuilder(state: BuilderState): ToTextResult {
  for (const [i, row] of state.rows.entries()) {
    const kind = fieldOf(row.field)?.kind;
    if (kind !== 'Bool' && row.value.trim() === '') {
      return { ok: false, error: `Row ${i + 1} needs a value.`, row: i };
    }
  }
  try {
    const expression = fromBuilderRows(state.rows.map(rowOf), state.joiner, parseOptions);
    return { ok: true, text: `(${formatExpression(expression)})` };
  } catch (err) {
    if (err instanceof RuleError) return { ok: false, error: err.message };
    throw err;
  }
}

/** The operators a field offers, in the builder's order. */
export function operatorsFor(field: string): readonly BuilderOperator[] {
  return BUILDER_OPERATORS[fieldOf(field)?.kind ?? 'Bytes'];
}
