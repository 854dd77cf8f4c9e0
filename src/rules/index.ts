/**
 * The Rules language engine: Cloudflare's wirefilter-syntax expressions, parsed,
 * type-checked, compiled to JavaScript, formatted and shown as builder rows. No I/O.
 */
export type { ComparisonOp, LogicalOp, Node, Rhs, SetItem, Span, ValueNode } from './ast.ts';
export {
  BUILDER_OPERATORS,
  fromBuilderRows,
  toBuilderRows,
  type BuilderJoiner,
  type BuilderOperator,
  type BuilderResult,
  type BuilderRow,
} from './builder.ts';
export { cloudflareScheme, REQUEST_FIELDS, TLS_CLIENT_AUTH_FIELDS } from './cloudflare-scheme.ts';
export {
  compileExpression,
  fieldsFromObject,
  type CompiledExpression,
  type FieldSource,
} from './compiler.ts';
export { ERROR_KINDS, errorCode, RuleError, type RuleErrorKind } from './errors.ts';
export {
  checkExpression,
  parseExpression,
  type CheckResult,
  type Expression,
  type ParseOptions,
} from './expression.ts';
export { formatExpression, formatNode } from './formatter.ts';
export { FUNCTIONS, type FunctionDefinition } from './functions.ts';
export { interpret } from './interpreter.ts';
export { ipFromRequest, parseIp, type IpAddress } from './ip.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export type { ListItems, ListResolver } from './rhs.ts';
export { listItemsOf, listNamesIn } from './lists.ts';
export {
  compileRuleset,
  type CompiledRuleset,
  type Rule,
  type RuleAction,
  type RulesetResult,
} from './ruleset.ts';
export { Scheme, type FieldDeclaration, type FieldDefinition } from './scheme.ts';
export { parseType, typeName, type Type } from './types.ts';
export { fieldsFromJson } from './field-values.ts';
