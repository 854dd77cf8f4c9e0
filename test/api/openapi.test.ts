import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const PREFIX = '/client/v4';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters: { name: string; in: string; required: boolean; schema: object }[];
  requestBody?: { content: { 'application/json': { schema: object } } };
  responses: Record<string, { $ref?: string; content?: object }>;
}

describe('the OpenAPI document', () => {
  let api: TestApi;
  let doc: {
    openapi: string;
    info: { title: string; version: string };
    components: { schemas: Record<string, unknown> };
    paths: Record<string, Record<string, Operation>>;
  };
  const routes: { method: string; url: string; hasBody: boolean }[] = [];

  before(async () => {
    api = await startTestApi();
    api.app.addHook('onRoute', (r: RouteOptions) => {
      const methods = Array.isArray(r.method) ? r.method : [r.method];
      for (const method of methods) {
        if (method !== 'HEAD' && r.url.startsWith(PREFIX)) {
          routes.push({ method, url: r.url, hasBody: Boolean(r.schema?.body) });
        }
      }
    });
    const res = await api.app.inject({
      url: `${PREFIX}/openapi.json`,
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });
  after(() => api.close());

  test('is OpenAPI 3.1 with its info, servers and security', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.info.title && doc.info.version);
  });

  test('describes every route, with its path parameters and body', () => {
    assert.ok(routes.length >= 40);
    for (const route of routes) {
      const path = route.url.slice(PREFIX.length).replace(/:([a-z_]+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${path} is not described`);
      const declared = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      const inPath = [...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
      assert.deepEqual(declared.sort(), inPath.sort(), `${route.method} ${path} parameters`);
      assert.equal(Boolean(op.requestBody), route.hasBody, `${route.method} ${path} body`);
    }
    const described = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    assert.equal(described, routes.length);
  });

  test('has well-formed operations whose references all resolve', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      assert.match(path, /^\/[A-Za-z0-9_{}./-]*$/);
      for (const [method, op] of Object.entries(item)) {
        assert.ok(METHODS.includes(method), `${method} ${path}`);
        assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
        ids.add(op.operationId);
        assert.ok(op.summary && op.tags.length > 0, `${method} ${path} summary and tags`);
        assert.ok(op.responses['200'], `${method} ${path} success response`);
        for (const p of op.parameters) {
          assert.ok(['path', 'query'].includes(p.in) && typeof p.schema === 'object');
          if (p.in === 'path') assert.equal(p.required, true);
        }
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    assert.ok(refs.length > 0);
    for (const [, name] of refs) assert.ok(doc.components.schemas[name!], `$ref ${name}`);
  });

  test('is generated from the schemas that validate requests', async () => {
    const body = doc.paths['/zones']!.post!.requestBody!.content['application/json'].schema as {
      required: string[];
    };
    assert.deepEqual(body.required, ['name', 'account']);
    const res = await api.app.inject({
      method: 'POST',
      url: `${PREFIX}/zones`,
      headers: { authorization: `Bearer ${api.token}` },
      payload: { name: 'example.com' },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().errors[0].message, /account/);
  });
});
