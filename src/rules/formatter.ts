/**
 * The formatter: a syntax tree back to canonical text, which the dashboard shows as the
 * Expression Preview. Canonical means English operators, decimal integers, addresses in
 * RFC 5952 form, regular expressions as raw strings and only the parentheses the tree needs;
 * parsing the text again gives the same tree.
 */
import type { LogicalOp, Node, Rhs, SetItem } from './ast.ts';
import { binaryToText, isUtf8 } from './bytes.ts';
import type { Expression } from './expression.ts';

const TIGHTNESS: Record<LogicalOp, number> = { or: 1, xor: 2, and: 3 };

function hex(code: number): string {
  return '\\x' + code.toString(16).padStart(2, '0');
}

/**
 * A byte string as a quoted literal. Valid UTF-8 is written as text; control characters,
 * and every non-ASCII byte of invalid UTF-8, are written `\xHH`.
 */
export function quoteBytes(binary: string): string {
  const utf8 = isUtf8(binary);
  const text = utf8 ? binaryToText(binary) : binary;
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (code < 0x20 || code === 0x7f || (!utf8 && code > 0x7e)) out += hex(code);
    else out += ch;
  }
  return out + '"';
}

/** A raw string `r#"…"#` with the fewest `#` that let the text through unchanged. */
export function rawString(text: string): string {
  let hashes = '';
  while (text.includes('"' + hashes)) hashes += '#';
  return `r${hashes}"${text}"${hashes}`;
}

function setItem(item: SetItem): string {
  switch (item.kind) {
    case 'bytes':
      return quoteBytes(item.value);
    case 'int':
      return String(item.value);
    case 'intRange':
      return `${item.from}..${item.to}`;
    case 'ip':
      return item.value.key;
    case 'cidr':
      return `${item.value.key}/${item.bits}`;
    case 'ipRange':
      return `${item.from.key}..${item.to.key}`;
  }
}

function rhs(r: Rhs): string {
  switch (r.kind) {
    case 'bytes':
    case 'wildcard':
      return r.kind === 'bytes' ? quoteBytes(r.value) : quoteBytes(r.pattern);
    case 'int':
      return String(r.value);
    case 'ip':
      return r.value.key;
    case 'regex':
      return rawString(r.pattern);
    case 'set':
      return `{${r.items.map(setItem).join(' ')}}`;
    case 'list':
      return `$${r.name}`;
  }
}

/** Formats one node. */
export function formatNode(node: Node): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? quoteBytes(node.value) : String(node.value);
    case 'field':
      return node.name;
    case 'index': {
      const key =
        node.key === null
          ? '*'
          : typeof node.key === 'number'
            ? String(node.key)
            : quoteBytes(node.key);
      return `${formatNode(node.target)}[${key}]`;
    }
    case 'call':
      return `${node.name}(${node.args.map(formatNode).join(', ')})`;
    case 'compare':
      return `${formatNode(node.lhs)} ${node.op} ${rhs(node.rhs)}`;
    case 'not': {
      const inner = formatNode(node.operand);
      return node.operand.kind === 'logical' ? `not (${inner})` : `not ${inner}`;
    }
    case 'logical': {
      const parts = node.items.map((item) => {
        const text = formatNode(item);
        // An equally tight child only comes from parentheses the user wrote; keep them.
        const wrap = item.kind === 'logical' && TIGHTNESS[item.op] <= TIGHTNESS[node.op];
        return wrap ? `(${text})` : text;
      });
      return parts.join(` ${node.op} `);
    }
  }
}

/**
 * The canonical text of an expression.
 *
 * @example
 * ```ts
 * formatExpression(parseExpression('http.host=="a"&&!ssl')); // 'http.host eq "a" and not ssl'
 * ```
 */
export function formatExpression(expr: Expression): string {
  return formatNode(expr.root);
}
