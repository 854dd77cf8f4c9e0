/**
 * The Rules language for CodeMirror: a stream tokenizer for highlighting (fields, functions,
 * operators, strings, raw strings, numbers and addresses, `$lists`) and completion of field
 * names, functions and operators from the engine's own catalogues.
 */
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { HighlightStyle, StreamLanguage, type StringStream } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { cloudflareScheme, FUNCTIONS, typeName } from '../../../../src/rules/index.ts';

const WORD_OPERATORS = new Set([
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'matches',
  'wildcard',
  'strict',
  'in',
  'bitwise_and',
]);
const LOGICAL = new Set(['and', 'or', 'xor', 'not']);
const FIELDS = new Set(cloudflareScheme.fields().map((f) => f.name));

interface State {
  /** Inside a raw string: the number of `#` that close it. */
  rawHashes: number | null;
}

function token(stream: StringStream, state: State): string | null {
  if (state.rawHashes !== null) {
    const close = '"' + '#'.repeat(state.rawHashes);
    while (!stream.eol()) {
      if (stream.match(close)) {
        state.rawHashes = null;
        return 'string';
      }
      stream.next();
    }
    return 'string';
  }
  if (stream.eatSpace()) return null;

  const raw = stream.match(/^r(#*)"/) as RegExpMatchArray | boolean;
  if (raw && typeof raw !== 'boolean') {
    state.rawHashes = (raw[1] ?? '').length;
    return token(stream, state);
  }
  if (stream.peek() === '"') {
    stream.next();
    let escaped = false;
    while (!stream.eol()) {
      const ch = stream.next();
      if (!escaped && ch === '"') break;
      escaped = !escaped && ch === '\\';
    }
    return 'string';
  }
  if (stream.match(/^\$[a-z0-9_]+/)) return 'variableName.special';
  // Addresses, CIDRs, ranges and numbers before words: `10.0.0.0/8`, `2001:db8::/32`, `80..90`.
  if (stream.match(/^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}(\/\d+)?/i)) return 'number';
  if (stream.match(/^-?(0x[0-9a-f]+|\d+(\.\d+){3}(\/\d+)?|\d+)(\.\.\d[\d.]*)?/i)) return 'number';

  const word = stream.match(/^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*/i) as RegExpMatchArray | boolean;
  if (word && typeof word !== 'boolean') {
    const text = word[0];
    if (LOGICAL.has(text)) return 'logicOperator';
    if (WORD_OPERATORS.has(text)) return 'operatorKeyword';
    if (text === 'true' || text === 'false') return 'bool';
    if (stream.peek() === '(' && FUNCTIONS.has(text)) return 'variableName.function';
    if (FIELDS.has(text)) return 'propertyName';
    return 'variableName';
  }
  if (stream.match(/^(==|!=|<=|>=|&&|\|\||\^\^|[<>!~&])/)) return 'operator';
  const ch = stream.next();
  if (ch === '(' || ch === ')' || ch === '{' || ch === '}' || ch === '[' || ch === ']') {
    return 'bracket';
  }
  return null;
}

/** The language: highlighting only; errors come from the engine through the API. */
export const rulesLanguage = StreamLanguage.define<State>({
  name: 'rules',
  startState: () => ({ rawHashes: null }),
  token,
  copyState: (s) => ({ ...s }),
  languageData: { closeBrackets: { brackets: ['(', '{', '[', '"'] } },
});

export const rulesHighlight = HighlightStyle.define([
  { tag: tags.propertyName, color: '#0b5cad' },
  { tag: tags.function(tags.variableName), color: '#7a3e9d' },
  { tag: tags.string, color: '#1f7a36' },
  { tag: tags.number, color: '#a6520f' },
  { tag: tags.bool, color: '#a6520f' },
  { tag: [tags.logicOperator, tags.operatorKeyword], color: '#c2185b', fontWeight: '600' },
  { tag: tags.operator, color: '#c2185b' },
  { tag: tags.special(tags.variableName), color: '#00796b' },
  { tag: tags.bracket, color: '#555' },
]);

const fieldOptions: Completion[] = cloudflareScheme.fields().map((f) => ({
  label: f.name,
  type: 'property',
  detail: typeName(f.type),
  info: f.description,
}));

const functionOptions: Completion[] = [...FUNCTIONS.values()].map((f) => ({
  label: f.name,
  type: 'function',
  detail: 'function',
  apply: `${f.name}(`,
}));

const keywordOptions: Completion[] = [...LOGICAL, ...WORD_OPERATORS]
  .filter((w) => w !== 'strict')
  .concat(['strict wildcard'])
  .map((w) => ({ label: w, type: 'keyword' }));

/** Completes field names (also after a dot), functions and operators. */
export function completeRules(context: CompletionContext): CompletionResult | null {
  const word = context.matchBefore(/[a-z_][a-z0-9_.]*/i);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  return {
    from: word.from,
    options: [...fieldOptions, ...functionOptions, ...keywordOptions],
    validFor: /^[a-z0-9_.]*$/i,
  };
}
