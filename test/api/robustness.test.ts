import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const PREFIX = '/client/v4';

/** Bodies of every wrong shape a client could send. */
const BODIES: unknown[] = [
  null,
  [],
  [null],
  'text',
  42,
  true,
  {},
  { name: 7, expression: 7, rules: 'x', policies: {}, items: 'x', account: 'x' },
  { rules: [{ expression: 'ssl', action: 'block', position: { index: 'x' } }] },
  { expression: 'http.host eq', action: 'block', filter: { expression: '(' } },
  { expression: 'ssl', action: 'block', action_parameters: { response: 'x' } },
  [{ ip: 5 }, { asn: 'x' }, { hostname: 'x' }],
  { a: { b: { c: { d: { e: { f: [[[[[[]]]]]] } } } } } },
];

/**
 * Every route, given bodies and queries of the wrong shape, answers a 4xx in the envelope:
 * never a 500, whatever a client sends.
 */
describe('robustness of every route against malformed input', () => {
  let api: TestApi;
  const routes: { method: string; url: string }[] = [];
  const ids: Record<string, string> = { phase: 'http_request_firewall_custom' };

  before(async () => {
    api = await startTestApi();
    api.app.addHook('onRoute', (r: RouteOptions) => {
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
        if (method !== 'HEAD' && r.url.startsWith(PREFIX)) routes.push({ method, url: r.url });
      }
    });
    await api.app.ready();
    const zone = await api.store.createZone({ accountId: api.accountId, name: 'fuzz.test' });
    ids.zone_id = zone.id;
    ids.account_id = api.accountId;
  });
  after(() => api.close());

  test('never answers 500', async () => {
    let sent = 0;
    for (const route of routes) {
      const url = route.url.replace(/:([a-z_]+)/g, (_m, n: string) => ids[n] ?? 'f'.repeat(32));
      const queries = ['', '?page=0', '?per_page=-1&cursor=%%%&id=', '?expression=(&direction=up'];
      const bodies = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) ? BODIES : [];
      for (const query of queries) {
        for (const body of bodies.length > 0 ? bodies : [undefined]) {
          const res = await api.app.inject({
            method: route.method as 'GET',
            url: `${url}${query}`,
            headers: {
              authorization: `Bearer ${api.token}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
          });
          sent++;
          assert.ok(
            res.statusCode < 500,
            `${route.method} ${url}${query} ${JSON.stringify(body)} answered ${res.statusCode}: ${res.body}`,
          );
          if (res.statusCode >= 400) assert.equal(res.json().success, false);
        }
      }
    }
    assert.ok(sent > 500, `only ${sent} requests`);
  });
});
