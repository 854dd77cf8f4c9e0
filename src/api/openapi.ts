import type { FastifyInstance, RouteOptions } from 'fastify';
import type { RouteNeed } from './route-guard.ts';

declare module 'fastify' {
  interface FastifySchema {
    /** Groups of the route in the OpenAPI document. */
    tags?: readonly string[];
    /** One line on what the route does, for the OpenAPI document. */
    summary?: string;
  }
}

/** One route as the OpenAPI document describes it. */
export interface DescribedRoute {
  method: string;
  /** The full path with fastify's `:param` placeholders, e.g. `/client/v4/zones/:zone_id`. */
  url: string;
  schema: RouteOptions['schema'];
  need: RouteNeed | undefined;
}

type JsonSchema = Record<string, unknown>;

const ENVELOPE = {
  type: 'object',
  required: ['success', 'errors', 'messages', 'result'],
  properties: {
    success: { type: 'boolean' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/Message' } },
    messages: { type: 'array', items: { $ref: '#/components/schemas/Message' } },
    result: {},
    result_info: {
      type: 'object',
      properties: {
        page: { type: 'integer' },
        per_page: { type: 'integer' },
        count: { type: 'integer' },
        total_count: { type: 'integer' },
        total_pages: { type: 'integer' },
      },
    },
  },
} as const;

const MESSAGE = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'integer', minimum: 1000 },
    message: { type: 'string' },
    source: { type: 'object', properties: { pointer: { type: 'string' } } },
    line: { type: 'integer' },
    column: { type: 'integer' },
    length: { type: 'integer' },
  },
} as const;

const envelopeResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } },
});

/**
 * Builds the OpenAPI 3.1 document of `routes` from the JSON schemas that validate them: path
 * parameters, query parameters and bodies are the very objects fastify compiles. OpenAPI 3.1
 * takes JSON Schema as it is, so nothing is translated.
 */
export function buildOpenApiDocument(routes: readonly DescribedRoute[], prefix: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.method === 'HEAD' || !route.url.startsWith(prefix)) continue;
    const path = route.url.slice(prefix.length).replace(/:([A-Za-z0-9_]+)/g, '{$1}') || '/';
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, path);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Portcullis control plane',
      version: '4',
      description:
        "Cloudflare's v4 API shapes for zones, rules, lists, tokens and the audit log, " +
        "plus Portcullis's own hosts. Every answer is Cloudflare's envelope.",
    },
    servers: [{ url: prefix }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Envelope: ENVELOPE, Message: MESSAGE },
    },
    paths,
  };
}

function operation(route: DescribedRoute, path: string) {
  const schema = (route.schema ?? {}) as Record<string, JsonSchema | undefined> & {
    tags?: readonly string[];
    summary?: string;
  };
  const parameters = [
    ...parametersOf(schema.params, 'path'),
    ...parametersOf(schema.querystring, 'query'),
  ];
  const op: Record<string, unknown> = {
    operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: schema.summary ?? `${route.method} ${path}`,
    tags: [...(schema.tags ?? ['other'])],
    parameters,
    responses: {
      '200': envelopeResponse('success'),
      '400': envelopeResponse('invalid request'),
      '401': envelopeResponse('missing or invalid token'),
      '403': envelopeResponse('not allowed for this token'),
      '404': envelopeResponse('not found'),
    },
    'x-portcullis-permission': permissionOf(route.need),
  };
  if (schema.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: schema.body } } };
  }
  return op;
}

function parametersOf(schema: JsonSchema | undefined, where: 'path' | 'query') {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

function permissionOf(need: RouteNeed | undefined): string {
  if (need === undefined || need === 'public') return 'any valid token';
  return `${need.resource}:${need.access}`;
}

/**
 * Collects every route registered after it in the same context and serves their document at
 * `GET /openapi.json`. It shares its parent's context (like `fastify-plugin`), so that its
 * `onRoute` hook sees the sibling route modules; register it before them.
 */
export const openApiRoutes = Object.assign(
  async (app: FastifyInstance): Promise<void> => {
    const routes: DescribedRoute[] = [];
    let document: ReturnType<typeof buildOpenApiDocument> | undefined;
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        routes.push({ method, url: route.url, schema: route.schema, need: route.config?.need });
      }
      document = undefined;
    });
    app.get(
      '/openapi.json',
      {
        schema: { tags: ['openapi'], summary: 'This document' },
        config: { need: 'public' },
      },
      async () => (document ??= buildOpenApiDocument(routes, app.prefix)),
    );
  },
  // fastify's documented way for a plugin to share its parent's context.
  { [Symbol.for('skip-override')]: true },
);
