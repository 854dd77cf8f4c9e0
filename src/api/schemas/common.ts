/**
 * JSON Schema pieces shared by the route schemas. The same schemas validate requests (fastify
 * compiles them with Ajv) and describe the API in `/client/v4/openapi.json`.
 */

/** A 32-hex id as Portcullis and Cloudflare write zone, rule and token ids. */
export const idString = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** Path parameters: each named one is a required id string. */
export function pathParams<const K extends string>(...names: K[]) {
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((n) => [n, idString])) as Record<K, typeof idString>,
  } as const;
}

/** `page` and `per_page` as Cloudflare's v4 lists take them. */
export const pageQueryProperties = {
  page: { type: 'integer', minimum: 1, default: 1 },
  per_page: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
} as const;

/** A query of page and per_page only. */
export const pageQuery = {
  type: 'object',
  properties: pageQueryProperties,
} as const;

/** A hostname as typed in a zone or host: labels of letters, digits and hyphens. */
export const hostnameString = {
  type: 'string',
  minLength: 1,
  maxLength: 253,
  pattern:
    '^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$',
} as const;

/** The query of a page of results, once validated. */
export interface PageParams {
  page: number;
  per_page: number;
}
