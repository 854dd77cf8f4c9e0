/**
 * Compiles a zone's ordered rules into one function. Fields are shared between the rules: a
 * field is read at most once per request however many rules use it. Rules are generated in
 * chunks of functions, because V8 stops optimising a function whose bytecode grows past a
 * limit (about 60 KB), which one function for a thousand rules would pass.
 */
import { CodeGen, readField } from './codegen.ts';
import type { FieldSource } from './compiler.ts';
import type { Expression } from './expression.ts';
import { UNREAD } from './runtime.ts';
import type { Type } from './types.ts';

/** What a rule does when its expression matches. */
export type RuleAction = 'block' | 'skip' | 'allow' | 'log' | (string & {});

/** One rule of a ruleset. */
export interface Rule {
  readonly id: string;
  readonly action: RuleAction;
  readonly expression: Expression;
  /** A disabled rule is left out. Default true. */
  readonly enabled?: boolean;
}

/** The outcome of a ruleset for one request. */
export interface RulesetResult<R extends Rule = Rule> {
  /** The first matching rule with a terminating action, if any. */
  readonly terminating?: R;
  /** The matching `log` rules met before evaluation ended, in order. */
  readonly logged: readonly R[];
}

/** A compiled ruleset. */
export type CompiledRuleset<R extends Rule = Rule> = (fields: FieldSource) => RulesetResult<R>;

/** Actions that record the match and let evaluation go on; every other action ends it. */
const CONTINUING = new Set(['log']);

const RULES_PER_CHUNK = 50;

/**
 * Compiles rules, in order, to one function. `block`, `skip` and `allow` end evaluation
 * (the first matching wins); `log` records the match and goes on. Unknown actions are
 * treated as terminating, so that a new action never lets a request through unnoticed.
 *
 * @example
 * ```ts
 * const run = compileRuleset([{ id: 'r1', action: 'block', expression: parseExpression('not ssl') }]);
 * run(fieldsFromObject({ ssl: false })).terminating?.id; // 'r1'
 * ```
 */
export function compileRuleset<R extends Rule>(rules: readonly R[]): CompiledRuleset<R> {
  const active = rules.filter((r) => r.enabled !== false);
  const fieldIndex = new Map<string, number>();
  const gen: CodeGen = new CodeGen((name: string, type: Type) => {
    let i = fieldIndex.get(name);
    if (i === undefined) {
      i = fieldIndex.size;
      fieldIndex.set(name, i);
    }
    return `(s[${i}] !== U ? s[${i}] : (s[${i}] = ${readField(gen, name, type)}))`;
  });
  const empty: readonly R[] = Object.freeze([]);
  const none: RulesetResult<R> = Object.freeze({ logged: empty });
  // With nothing logged on the way, the result of a terminating rule is a shared constant.
  const alone = active.map((rule) => Object.freeze({ terminating: rule, logged: empty }));
  const chunks: string[] = [];
  for (let start = 0; start < active.length; start += RULES_PER_CHUNK) {
    chunks.push(chunk(gen, active, start, Math.min(active.length, start + RULES_PER_CHUNK)));
  }
  const calls = chunks.map((_, i) => `r = c${i}(src, s, st); if (r !== undefined) return r;`);
  const source = [
    gen.constDeclarations(),
    ...chunks.map((code, i) => `const c${i} = ${code};`),
    'return function compiledRuleset(src) {',
    `const s = new Array(${fieldIndex.size}).fill(U);`,
    'const st = { logged: E };',
    'let r;',
    ...calls,
    'return st.logged === E ? NONE : { logged: st.logged };',
    '};',
  ].join('\n');
  const factory = new Function('K', 'U', 'R', 'E', 'NONE', 'A', source) as (
    ...args: unknown[]
  ) => CompiledRuleset<R>;
  return factory(gen.consts, UNREAD, active, empty, none, alone);
}

/** One chunk: a function that returns the result when a terminating rule matches. */
function chunk(gen: CodeGen, rules: readonly Rule[], from: number, to: number): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    const rule = rules[i] as Rule;
    const test = gen.bool(rule.expression.root);
    if (CONTINUING.has(rule.action)) {
      lines.push(`if (${test}) { if (st.logged === E) st.logged = []; st.logged.push(R[${i}]); }`);
    } else {
      lines.push(
        `if (${test}) return st.logged === E ? A[${i}] : { terminating: R[${i}], logged: st.logged };`,
      );
    }
  }
  return `function (src, s, st) {\n${gen.takeTemps()}\n${lines.join('\n')}\nreturn undefined;\n}`;
}
