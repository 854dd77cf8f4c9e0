/**
 * The types of the Rules language: the scalar types Bool, Int, Ip and Bytes (Cloudflare's
 * documentation says String for Bytes) and the containers Array<T> and Map<T>. Map keys are
 * always Bytes.
 */
export type Type =
  | { readonly kind: 'Bool' }
  | { readonly kind: 'Int' }
  | { readonly kind: 'Ip' }
  | { readonly kind: 'Bytes' }
  | { readonly kind: 'Array'; readonly element: Type }
  | { readonly kind: 'Map'; readonly element: Type };

/** The scalar types, shared so that they can be compared by identity or by kind. */
export const Types = {
  Bool: { kind: 'Bool' },
  Int: { kind: 'Int' },
  Ip: { kind: 'Ip' },
  Bytes: { kind: 'Bytes' },
} as const satisfies Record<string, Type>;

/** Array<element>. */
export function arrayOf(element: Type): Type {
  return { kind: 'Array', element };
}

/** Map<element>, keyed by Bytes. */
export function mapOf(element: Type): Type {
  return { kind: 'Map', element };
}

/** Structural equality of two types. */
export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  if ((a.kind === 'Array' || a.kind === 'Map') && (b.kind === 'Array' || b.kind === 'Map')) {
    return sameType(a.element, b.element);
  }
  return true;
}

/** The type as written in a scheme: `Bool`, `Int`, `Ip`, `Bytes`, `Array<Bytes>`, `Map<…>`. */
export function typeName(type: Type): string {
  if (type.kind === 'Array' || type.kind === 'Map') {
    return `${type.kind}<${typeName(type.element)}>`;
  }
  return type.kind;
}

const TYPE_ALIASES: Record<string, Type> = {
  Bool: Types.Bool,
  Boolean: Types.Bool,
  Int: Types.Int,
  Integer: Types.Int,
  Number: Types.Int,
  Ip: Types.Ip,
  IP: Types.Ip,
  Bytes: Types.Bytes,
  String: Types.Bytes,
};

/**
 * Reads a type written as in a scheme. Accepts Cloudflare's documentation names too
 * (`String`, `Boolean`, `Integer`, `Number`, `IP`). Returns undefined for anything else.
 */
export function parseType(text: string): Type | undefined {
  const trimmed = text.trim();
  const scalar = TYPE_ALIASES[trimmed];
  if (scalar) return scalar;
  const match = /^(Array|Map)\s*<(.*)>$/.exec(trimmed);
  if (!match) return undefined;
  const element = parseType(match[2] ?? '');
  if (!element) return undefined;
  return match[1] === 'Array' ? arrayOf(element) : mapOf(element);
}
