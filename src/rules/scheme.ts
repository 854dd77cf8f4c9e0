import { parseType, typeName, type Type } from './types.ts';

/** One field of a scheme. */
export interface FieldDefinition {
  readonly name: string;
  readonly type: Type;
  /** What the field holds, for documentation and the dashboard's field picker. */
  readonly description?: string;
}

/** A field declaration: a type as text (`'Bytes'`, `'Array<Bytes>'`) or as a {@link Type}. */
export type FieldDeclaration = string | Type | { type: string | Type; description?: string };

const FIELD_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/**
 * The catalogue of fields an expression may read, with their types. The Rules engine
 * type-checks every expression against a scheme while parsing it.
 *
 * @example
 * ```ts
 * const scheme = new Scheme({ 'http.host': 'Bytes', port: 'Int', tags: 'Array<Bytes>' });
 * ```
 */
export class Scheme {
  readonly #fields = new Map<string, FieldDefinition>();

  /** @throws TypeError when a name is not a valid field name or a type is unknown. */
  constructor(fields: Readonly<Record<string, FieldDeclaration>>) {
    for (const [name, declaration] of Object.entries(fields)) {
      if (!FIELD_NAME.test(name)) throw new TypeError(`declaring field "${name}": invalid name`);
      const spec = typeof declaration === 'object' && 'type' in declaration ? declaration : null;
      const raw = spec ? spec.type : (declaration as string | Type);
      const type = typeof raw === 'string' ? parseType(raw) : raw;
      if (!type) throw new TypeError(`declaring field "${name}": unknown type "${String(raw)}"`);
      const description = spec?.description;
      this.#fields.set(name, description ? { name, type, description } : { name, type });
    }
  }

  /** The definition of a field, or undefined when the scheme has none of that name. */
  field(name: string): FieldDefinition | undefined {
    return this.#fields.get(name);
  }

  /** Every field, in declaration order. */
  fields(): FieldDefinition[] {
    return [...this.#fields.values()];
  }

  /** The scheme as `{ name: 'Type' }`, the form the constructor takes. */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.#fields.values()) out[f.name] = typeName(f.type);
    return out;
  }
}
