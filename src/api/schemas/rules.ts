import { idString } from './common.ts';

/** Schemas of firewall rules, for the rulesets API and the legacy API. */

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;

/** Cloudflare's custom block response. */
const blockResponse = {
  type: 'object',
  required: ['content', 'content_type', 'status_code'],
  properties: {
    content: text(10_240),
    content_type: {
      type: 'string',
      enum: ['text/html', 'text/plain', 'application/json', 'text/xml'],
    },
    status_code: { type: 'integer', minimum: 400, maximum: 499 },
  },
} as const;

/** `action_parameters`: which keys suit which action is checked by the route. */
export const actionParameters = {
  type: 'object',
  properties: {
    response: blockResponse,
    ruleset: { type: 'string', enum: ['current'] },
    phases: { type: 'array', items: text(100), maxItems: 50 },
    products: { type: 'array', items: text(100), maxItems: 50 },
  },
} as const;

/** The expression of a rule: parsed and type-checked by the rules engine before storing. */
export const expressionString = { type: 'string', minLength: 1, maxLength: 16_384 } as const;

/** The fields of a rule in the rulesets API. */
export const rulesetRuleProperties = {
  id: idString,
  ref: text(200),
  action: text(64),
  expression: expressionString,
  description: text(500),
  enabled: { type: 'boolean' },
  action_parameters: actionParameters,
  logging: { type: 'object', properties: { enabled: { type: 'boolean' } } },
} as const;

/** Where a new or moved rule goes; Cloudflare's `index` counts from 1. */
export const rulePosition = {
  type: 'object',
  properties: {
    before: { type: 'string', maxLength: 64 },
    after: { type: 'string', maxLength: 64 },
    index: { type: 'integer', minimum: 1 },
  },
  maxProperties: 1,
} as const;

/** A rule inside a whole ruleset (PUT or POST of the ruleset). */
export const rulesetRule = {
  type: 'object',
  required: ['expression'],
  properties: rulesetRuleProperties,
} as const;

/** A whole ruleset: name, description, kind, phase and rules. */
export const rulesetBody = {
  type: 'object',
  properties: {
    name: text(200),
    description: text(500),
    kind: { type: 'string', enum: ['zone', 'custom', 'root', 'managed'] },
    phase: text(100),
    rules: { type: 'array', items: rulesetRule, maxItems: 1000 },
  },
} as const;

/** A rule added to a ruleset, with where it goes. */
export const newRulesetRuleBody = {
  type: 'object',
  required: ['expression'],
  properties: { ...rulesetRuleProperties, position: rulePosition },
} as const;

/** Changes to a rule of a ruleset, and where it moves; every field is optional. */
export const editRulesetRuleBody = {
  type: 'object',
  properties: { ...rulesetRuleProperties, position: rulePosition },
} as const;

/** `?dry_run=true`: answer what a write would make, and store nothing. */
export const dryRunQuery = {
  type: 'object',
  properties: { dry_run: { type: 'boolean' } },
} as const;

/** A filter as the legacy API writes it. */
export const filterProperties = {
  id: idString,
  expression: expressionString,
  paused: { type: 'boolean' },
  description: text(500),
  ref: text(200),
} as const;

const legacyRuleProperties = {
  id: idString,
  // Cloudflare's client types the action as an object with `mode`; its API takes a string.
  action: {
    anyOf: [text(64), { type: 'object', required: ['mode'], properties: { mode: text(64) } }],
  },
  filter: { type: 'object', properties: filterProperties },
  paused: { type: 'boolean' },
  description: text(500),
  priority: { type: 'integer', minimum: 0 },
  ref: text(200),
  products: { type: 'array', items: text(100), maxItems: 50 },
} as const;

/** A firewall rule of the legacy API. */
export const legacyRule = {
  type: 'object',
  properties: legacyRuleProperties,
} as const;

/** One rule or an array of them: Cloudflare documents arrays, its client sends one object. */
export const legacyRules = {
  anyOf: [{ type: 'array', items: legacyRule, minItems: 1, maxItems: 1000 }, legacyRule],
} as const;

/** A filter of the legacy API, and (below) one or an array of them. */
export const legacyFilter = { type: 'object', properties: filterProperties } as const;
export const legacyFilters = {
  anyOf: [{ type: 'array', items: legacyFilter, minItems: 1, maxItems: 1000 }, legacyFilter],
} as const;
