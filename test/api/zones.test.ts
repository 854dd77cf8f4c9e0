import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import { listenForTest, startTestApi, type TestApi } from '../helpers/api.ts';

describe('zones and accounts through the official client', () => {
  let api: TestApi;
  let client: Cloudflare;
  before(async () => {
    api = await startTestApi();
    client = new Cloudflare({ apiToken: api.token, baseURL: await listenForTest(api.app) });
  });
  after(() => api.close());

  test('lists the default account', async () => {
    const page = await client.accounts.list();
    assert.deepEqual(
      page.result.map((a) => a.id),
      [api.accountId],
    );
    assert.equal((await client.accounts.get({ account_id: api.accountId })).type, 'standard');
  });

  test('creates, finds, edits and deletes a zone', async () => {
    const zone = await client.zones.create({ name: 'Example.COM', account: { id: api.accountId } });
    assert.equal(zone.name, 'example.com');
    assert.equal(zone.account.id, api.accountId);
    assert.equal(zone.status, 'active');

    const found = await client.zones.list({ name: 'example.com' });
    assert.deepEqual(
      found.result.map((z) => z.id),
      [zone.id],
    );
    assert.equal((await client.zones.get({ zone_id: zone.id })).name, 'example.com');
    assert.equal((await client.zones.edit({ zone_id: zone.id, paused: true })).paused, true);
    assert.deepEqual(await client.zones.delete({ zone_id: zone.id }), { id: zone.id });
    await assert.rejects(client.zones.get({ zone_id: zone.id }), Cloudflare.NotFoundError);
  });

  test('auto-paginates until an empty page', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `page${i}.test`);
    for (const name of names) await client.zones.create({ name, account: { id: api.accountId } });
    const seen: string[] = [];
    for await (const zone of client.zones.list({ per_page: 3 })) seen.push(zone.name);
    for (const name of names) assert.ok(seen.includes(name), `${name} listed`);
    assert.equal(new Set(seen).size, seen.length);
  });

  test('refuses a duplicate zone with 409 that is not retried', async () => {
    await client.zones.create({ name: 'dup.test', account: { id: api.accountId } });
    let requests = 0;
    const counting = new Cloudflare({
      apiToken: api.token,
      baseURL: client.baseURL,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const err = await counting.zones
      .create({ name: 'dup.test', account: { id: api.accountId } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof Cloudflare.ConflictError);
    assert.equal(err.headers.get('x-should-retry'), 'false');
    assert.equal(requests, 1);
  });

  test('answers a zone in an unknown account with 404 and a bad name with 400', async () => {
    await assert.rejects(
      client.zones.create({ name: 'x.test', account: { id: 'f'.repeat(32) } }),
      Cloudflare.NotFoundError,
    );
    await assert.rejects(
      client.zones.create({ name: 'not a name', account: { id: api.accountId } }),
      (err: unknown) => {
        assert.ok(err instanceof Cloudflare.BadRequestError);
        assert.equal(err.errors[0]?.code, 1005);
        assert.equal(err.errors[0]?.source?.pointer, '/name');
        return true;
      },
    );
  });
});

describe('hosts over plain HTTP', () => {
  let api: TestApi;
  let zoneId: string;
  const call = async (method: string, url: string, payload?: object) => {
    const res = await api.app.inject({
      method: method as 'GET',
      url: `/client/v4${url}`,
      headers: { authorization: `Bearer ${api.token}` },
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  };
  before(async () => {
    api = await startTestApi();
    const zone = await call('POST', '/zones', {
      name: 'example.com',
      account: { id: api.accountId },
    });
    zoneId = zone.body.result.id;
  });
  after(() => api.close());

  test('creates, lists, edits and deletes a host, and a zone with hosts stays', async () => {
    const created = await call('POST', `/zones/${zoneId}/hosts`, {
      hostname: 'API.example.com',
      origin: 'http://127.0.0.1:9000/',
      mtls_enabled: true,
    });
    assert.equal(created.status, 200);
    const host = created.body.result;
    assert.equal(host.hostname, 'api.example.com');
    assert.equal(host.origin, 'http://127.0.0.1:9000');
    assert.equal(host.mtls_enabled, true);

    const list = await call('GET', `/zones/${zoneId}/hosts`);
    assert.deepEqual(
      list.body.result.map((h: { id: string }) => h.id),
      [host.id],
    );
    const edited = await call('PATCH', `/zones/${zoneId}/hosts/${host.id}`, {
      origin: 'https://backend.internal:8443',
      identity_headers: { xfcc: true },
    });
    assert.equal(edited.body.result.origin, 'https://backend.internal:8443');
    assert.deepEqual(edited.body.result.identity_headers, { xfcc: true });

    const refused = await call('DELETE', `/zones/${zoneId}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.headers['x-should-retry'], 'false');

    assert.equal((await call('DELETE', `/zones/${zoneId}/hosts/${host.id}`)).status, 200);
    assert.equal((await call('GET', `/zones/${zoneId}/hosts/${host.id}`)).status, 404);
  });

  const invalid: [string, object, string][] = [
    [
      'a hostname of another zone',
      { hostname: 'api.example.org', origin: 'http://o' },
      '/hostname',
    ],
    ['a lookalike suffix', { hostname: 'badexample.com', origin: 'http://o' }, '/hostname'],
    ['an ftp origin', { hostname: 'a.example.com', origin: 'ftp://o' }, '/origin'],
    ['an origin that is no URL', { hostname: 'a.example.com', origin: 'origin' }, '/origin'],
    ['credentials in the origin', { hostname: 'a.example.com', origin: 'http://u:p@o' }, '/origin'],
    ['a missing origin', { hostname: 'a.example.com' }, ''],
    [
      'an unknown identity header format',
      { hostname: 'a.example.com', origin: 'http://o', identity_headers: { 'x-cert': true } },
      '',
    ],
  ];
  for (const [name, body, pointer] of invalid) {
    test(`refuses ${name} and stores nothing`, async () => {
      const res = await call('POST', `/zones/${zoneId}/hosts`, body);
      assert.equal(res.status, 400);
      assert.equal(res.body.errors[0].code, 1005);
      if (pointer) assert.equal(res.body.errors[0].source.pointer, pointer);
      assert.deepEqual((await call('GET', `/zones/${zoneId}/hosts`)).body.result, []);
    });
  }

  test('accepts only a certificate authority of the zone account', async () => {
    const res = await call('POST', `/zones/${zoneId}/hosts`, {
      hostname: 'ca.example.com',
      origin: 'http://127.0.0.1:1',
      certificate_authority_id: 'f'.repeat(32),
    });
    assert.equal(res.status, 404);
    assert.equal(res.body.errors[0].source.pointer, '/certificate_authority_id');
    const ok = await call('POST', `/zones/${zoneId}/hosts`, {
      hostname: 'ca.example.com',
      origin: 'http://127.0.0.1:1',
      certificate_authority_id: null,
    });
    assert.equal(ok.body.result.certificate_authority_id, null);
  });

  test('refuses a hostname that another host has', async () => {
    const body = { hostname: 'twice.example.com', origin: 'http://127.0.0.1:1' };
    assert.equal((await call('POST', `/zones/${zoneId}/hosts`, body)).status, 200);
    const again = await call('POST', `/zones/${zoneId}/hosts`, body);
    assert.equal(again.status, 409);
    assert.equal(again.headers['x-should-retry'], 'false');
  });

  test('does not show a host through another zone', async () => {
    const other = await call('POST', '/zones', {
      name: 'other.com',
      account: { id: api.accountId },
    });
    const host = await call('POST', `/zones/${zoneId}/hosts`, {
      hostname: 'www.example.com',
      origin: 'http://127.0.0.1:1',
    });
    const res = await call('GET', `/zones/${other.body.result.id}/hosts/${host.body.result.id}`);
    assert.equal(res.status, 404);
  });
});
