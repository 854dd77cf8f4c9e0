/**
 * `portcullis expr`: checks and evaluates Rules-language expressions from the command line,
 * for people who keep rules in their own repositories.
 *
 *   portcullis expr check '<expression>'                 exit 0 when valid, else the error
 *   portcullis expr eval '<expression>' --fields '<json>'  prints true or false
 *   portcullis expr batch < lines.jsonl                  one JSON answer per input line
 */
import { Command } from 'commander';
import { createInterface } from 'node:readline';
import {
  checkExpression,
  cloudflareScheme,
  compileExpression,
  fieldsFromJson,
  RuleError,
  Scheme,
  type ListResolver,
} from '../rules/index.ts';

interface CommonOptions {
  scheme?: string;
  lists?: string;
}

/** One answer of `expr batch`. */
type BatchAnswer =
  | { valid: true; result?: boolean }
  | {
      valid: false;
      error: { kind: string; message: string; line: number; column: number; length: number };
    };

class InputError extends Error {}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`reading ${what}: ${(err as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function schemeFrom(value: unknown): Scheme {
  if (value === undefined) return cloudflareScheme;
  if (!isRecord(value)) throw new InputError('reading scheme: expected {"<field>": "<Type>"}');
  try {
    return new Scheme(value as Record<string, string>);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

function listsFrom(value: unknown): ListResolver | undefined {
  if (value === undefined) return undefined;
  const ok =
    isRecord(value) &&
    Object.values(value).every(
      (items) =>
        Array.isArray(items) && items.every((i) => typeof i === 'string' || typeof i === 'number'),
    );
  if (!ok) throw new InputError('reading lists: expected {"<name>": ["item", …]}');
  return value as ListResolver;
}

/** Answers one request: validates, and evaluates when fields are given. */
function answer(
  expression: unknown,
  scheme: unknown,
  lists: unknown,
  fields: unknown,
): BatchAnswer {
  if (typeof expression !== 'string')
    throw new InputError('reading input: "expression" must be a string');
  const resolved = schemeFrom(scheme);
  const checked = checkExpression(expression, { scheme: resolved, lists: listsFrom(lists) });
  if (!checked.ok) return { valid: false, error: checked.error.toJSON() };
  if (fields === undefined) return { valid: true };
  let source;
  try {
    source = fieldsFromJson(resolved, fields);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  return { valid: true, result: compileExpression(checked.expression)(source) };
}

function inputErrorAnswer(message: string): BatchAnswer {
  return { valid: false, error: { kind: 'InvalidInput', message, line: 0, column: 0, length: 0 } };
}

function batchLine(line: string): BatchAnswer {
  try {
    const request = parseJson(line, 'input line');
    if (!isRecord(request)) throw new InputError('reading input line: expected a JSON object');
    return answer(request.expression, request.scheme, request.lists, request.fields);
  } catch (err) {
    if (err instanceof InputError) return inputErrorAnswer(err.message);
    throw err;
  }
}

async function runBatch(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const ok = process.stdout.write(JSON.stringify(batchLine(line)) + '\n');
    if (!ok) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

/** Parses the expression of check/eval and prints the rendered error on failure. */
function checkOrReport(text: string, options: CommonOptions) {
  const scheme = schemeFrom(
    options.scheme === undefined ? undefined : parseJson(options.scheme, '--scheme'),
  );
  const lists = listsFrom(
    options.lists === undefined ? undefined : parseJson(options.lists, '--lists'),
  );
  const result = checkExpression(text, { scheme, lists });
  if (!result.ok) {
    console.error(result.error.render(text));
    process.exitCode = 1;
    return undefined;
  }
  return { expression: result.expression, scheme };
}

/** Runs an action; a malformed option is reported on stderr with exit code 2. */
function guarded<A extends unknown[]>(action: (...args: A) => void | Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (err) {
      if (!(err instanceof InputError) && !(err instanceof RuleError)) throw err;
      console.error(`error: ${err.message}`);
      process.exitCode = 2;
    }
  };
}

const SCHEME_HELP = 'custom scheme as JSON: {"<field>": "Bool|Int|Ip|Bytes|Array<T>|Map<T>"}';
const LISTS_HELP = 'named lists as JSON: {"<name>": ["192.0.2.0/24", …]}';

/** Builds the `portcullis expr` command with its check, eval and batch subcommands. */
export function exprCommand(): Command {
  const expr = new Command('expr').description('check and evaluate Rules-language expressions');

  expr
    .command('check')
    .description('exit 0 when the expression is valid; otherwise print the error and exit 1')
    .argument('<expression>', 'the expression, in Cloudflare Rules language')
    .option('--scheme <json>', SCHEME_HELP)
    .option('--lists <json>', LISTS_HELP)
    .action(guarded((text: string, options: CommonOptions) => void checkOrReport(text, options)));

  expr
    .command('eval')
    .description('print true or false for the expression over the given field values')
    .argument('<expression>', 'the expression, in Cloudflare Rules language')
    .requiredOption('--fields <json>', 'field values as JSON: {"http.host": "a.example", …}')
    .option('--scheme <json>', SCHEME_HELP)
    .option('--lists <json>', LISTS_HELP)
    .action(
      guarded((text: string, options: CommonOptions & { fields: string }) => {
        const checked = checkOrReport(text, options);
        if (!checked) return;
        const json = parseJson(options.fields, '--fields');
        let source;
        try {
          source = fieldsFromJson(checked.scheme, json);
        } catch (err) {
          throw new InputError((err as Error).message);
        }
        console.log(String(compileExpression(checked.expression)(source)));
      }),
    );

  expr
    .command('batch')
    .description(
      'read JSON lines {"expression", "scheme"?, "fields"?, "lists"?} on stdin; answer each in order',
    )
    .action(guarded(runBatch));

  return expr;
}
