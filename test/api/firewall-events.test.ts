import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FirewallEvent } from '../../src/store/index.ts';
import { startTestApi, type TestApi } from '../helpers/api.ts';

describe('firewall events and analytics API', () => {
  let api: TestApi;
  let zoneId: string;
  const now = Date.now();
  before(async () => {
    api = await startTestApi();
    zoneId = (await api.store.createZone({ accountId: api.accountId, name: 'example.com' })).id;
    const events: FirewallEvent[] = Array.from({ length: 30 }, (_, i) => ({
      id: `e${String(i).padStart(2, '0')}`,
      time: now - (30 - i) * 60_000,
      zoneId,
      host: i % 3 === 0 ? 'www.example.com' : 'api.example.com',
      ruleId: i % 2 === 0 ? 'rule-a' : null,
      action: i % 2 === 0 ? 'block' : 'allow',
      reason: i % 5 === 0 ? 'revoked' : 'no_certificate',
      clientIp: '192.0.2.7',
      method: 'GET',
      path: '/x',
      certFingerprint: i % 5 === 0 ? 'ab'.repeat(32) : null,
      certSerial: null,
      rayId: `ray${i}`,
    }));
    await api.store.insertEvents(events);
  });
  after(() => api.close());

  const get = (path: string) =>
    api.app.inject({
      url: `/client/v4/zones/${zoneId}/firewall/${path}`,
      headers: { authorization: `Bearer ${api.token}` },
    });

  test('lists events newest first and pages through them with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await get(`events?per_page=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      seen.push(...body.result.map((e: { id: string }) => e.id));
      cursor = body.result_info.cursor;
    } while (cursor);
    assert.equal(seen.length, 30);
    assert.equal(seen[0], 'e29');
    assert.equal(seen.at(-1), 'e00');
  });

  test('filters by action, host, reason and certificate', async () => {
    const blocks = (await get('events?action=block&per_page=100')).json().result;
    assert.equal(blocks.length, 15);
    assert.ok(
      blocks.every(
        (e: { action: string; rule_id: string }) => e.action === 'block' && e.rule_id === 'rule-a',
      ),
    );
    const www = (await get('events?host=www.example.com&per_page=100')).json().result;
    assert.equal(www.length, 10);
    const revoked = (await get(`events?cert_fingerprint=${'AB'.repeat(32)}&per_page=100`)).json()
      .result;
    assert.equal(revoked.length, 6);
    assert.equal(revoked[0].reason, 'revoked');
    const since = new Date(now - 5 * 60_000 - 1).toISOString();
    assert.equal((await get(`events?since=${since}&per_page=100`)).json().result.length, 5);
  });

  test('counts the Overview: totals per bucket and action, and the top lists', async () => {
    const hourAgo = new Date(now - 3_600_000).toISOString();
    const range = `since=${hourAgo}&until=${new Date(now).toISOString()}`;
    const res = await get(`analytics?${range}&buckets=6`);
    assert.equal(res.statusCode, 200, res.body);
    const a = res.json().result;
    assert.equal(a.total, 30);
    assert.equal(a.bucket_seconds, 600);
    const sum = a.timeseries.reduce(
      (n: number, b: { counts: Record<string, number> }) =>
        n + Object.values(b.counts).reduce((x, y) => x + y, 0),
      0,
    );
    assert.equal(sum, 30);
    assert.deepEqual(a.top.rules, [{ value: 'rule-a', count: 15 }]);
    assert.deepEqual(a.top.reasons[0], { value: 'no_certificate', count: 24 });
    assert.deepEqual(a.top.actions, [
      { value: 'allow', count: 15 },
      { value: 'block', count: 15 },
    ]);
  });

  test('refuses a bad time range with the field named', async () => {
    const res = await get('events?since=yesterday');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errors[0].source.pointer, '/since');
  });
});
