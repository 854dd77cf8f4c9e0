/**
 * Field values written in JSON, as `portcullis expr` and tests supply them: checked against
 * the scheme so that a value of the wrong type is reported instead of silently never
 * matching. Bytes and Ip are strings, Int a number, Bool a boolean, Array<T> an array and
 * Map<T> an object.
 */
import type { FieldSource } from './compiler.ts';
import { ipFromRequest } from './ip.ts';
import type { Scheme } from './scheme.ts';
import { typeName, type Type } from './types.ts';

function check(value: unknown, type: Type, path: string): unknown {
  const fail = (what: string): never => {
    throw new TypeError(`field ${path}: expected ${what}, got ${JSON.stringify(value)}`);
  };
  switch (type.kind) {
    case 'Bool':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'Int':
      return Number.isSafeInteger(value) ? value : fail('an integer');
    case 'Bytes':
      return typeof value === 'string' ? value : fail('a string');
    case 'Ip':
      return typeof value === 'string' && ipFromRequest(value)
        ? value
        : fail('an IP address as a string');
    case 'Array':
      if (!Array.isArray(value)) return fail(typeName(type));
      return value.map((v: unknown, i) => check(v, type.element, `${path}[${i}]`));
    case 'Map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(typeName(type));
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value))
        out[k] = check(v, type.element, `${path}[${JSON.stringify(k)}]`);
      return out;
    }
  }
}

/**
 * A {@link FieldSource} over JSON values, checked against the scheme.
 *
 * @throws TypeError naming the field, when a field is unknown or a value has the wrong type.
 */
export function fieldsFromJson(scheme: Scheme, json: unknown): FieldSource {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError('fields: expected an object of field names and values');
  }
  const values = new Map<string, unknown>();
  for (const [name, value] of Object.entries(json)) {
    const def = scheme.field(name);
    if (!def) throw new TypeError(`field ${name}: not a field of the scheme`);
    if (value === null) continue; // null stands for a missing value.
    values.set(name, check(value, def.type, name));
  }
  return { get: (name) => values.get(name) };
}
