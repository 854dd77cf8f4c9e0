import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import { hashTokenSecret } from '../../src/api/tokens.ts';
import { listenForTest, startTestApi, type TestApi } from '../helpers/api.ts';

describe('control plane envelope and authentication', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
    // A route that only exists here, to drive the body parser and error mapping.
    api.app.post('/client/v4/test/echo', async (request) => ({ got: request.body }));
    api.app.get('/client/v4/test/boom', async () => {
      throw new Error('secret internals');
    });
  });
  after(() => api.close());

  const auth = () => ({ authorization: `Bearer ${api.token}` });

  test('verifies a valid token in Cloudflare shape', async () => {
    const res = await api.app.inject({ url: '/client/v4/user/tokens/verify', headers: auth() });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['errors', 'messages', 'result', 'success']);
    assert.equal(body.success, true);
    assert.equal(body.result.status, 'active');
    assert.match(body.result.id, /^[0-9a-f]{32}$/);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
  });

  const rejected: [string, Record<string, string>, number, number][] = [
    ['no Authorization header', {}, 401, 1001],
    ['a Basic scheme', { authorization: 'Basic abc' }, 401, 1001],
    ['an unknown token', { authorization: 'Bearer not-a-token' }, 401, 1000],
  ];
  for (const [name, headers, status, code] of rejected) {
    test(`answers ${status} with code ${code} for ${name}`, async () => {
      const res = await api.app.inject({ url: '/client/v4/user/tokens/verify', headers });
      assert.equal(res.statusCode, status);
      assert.deepEqual(res.json(), {
        success: false,
        errors: [{ code, message: res.json().errors[0].message }],
        messages: [],
        result: null,
      });
    });
  }

  test('rejects a disabled or expired token like an unknown one', async () => {
    for (const patch of [{ status: 'disabled' as const }, { expiresOn: '2000-01-01T00:00:00Z' }]) {
      const secret = `t-${Math.random()}`;
      const t = await api.store.createApiToken({
        name: 'temp',
        secretHash: hashTokenSecret(secret),
        policies: [],
      });
      await api.store.updateApiToken(t.id, patch);
      const res = await api.app.inject({
        url: '/client/v4/user/tokens/verify',
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().errors[0].code, 1000);
    }
  });

  test('answers unknown routes with 404 in the envelope', async () => {
    const res = await api.app.inject({ url: '/client/v4/nowhere?x=1', headers: auth() });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().errors[0].code, 7000);
    assert.equal(res.json().errors[0].message, 'no route for GET /client/v4/nowhere');
  });

  test('answers malformed JSON with 400 and unsupported bodies with 415', async () => {
    const bad = await api.app.inject({
      method: 'POST',
      url: '/client/v4/test/echo',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: '{"a":',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].code, 1006);
    const xml = await api.app.inject({
      method: 'POST',
      url: '/client/v4/test/echo',
      headers: { ...auth(), 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().errors[0].code, 1007);
  });

  test('checks the token before the body', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/client/v4/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    assert.equal(res.statusCode, 401);
  });

  test('hides internal errors behind a 500 with a catalogue code', async () => {
    const res = await api.app.inject({ url: '/client/v4/test/boom', headers: auth() });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json().errors, [{ code: 1100, message: 'internal error' }]);
    assert.doesNotMatch(res.body, /secret internals/);
  });
});

describe('the official cloudflare client', () => {
  let api: TestApi;
  let baseURL: string;
  before(async () => {
    api = await startTestApi();
    baseURL = await listenForTest(api.app);
  });
  after(() => api.close());

  test('verifies the admin token', async () => {
    const client = new Cloudflare({ apiToken: api.token, baseURL });
    const result = await client.user.tokens.verify();
    assert.equal(result.status, 'active');
    assert.match(result.id, /^[0-9a-f]{32}$/);
  });

  test('raises AuthenticationError for a bad token', async () => {
    const client = new Cloudflare({ apiToken: 'wrong', baseURL, maxRetries: 0 });
    await assert.rejects(client.user.tokens.verify(), (err: unknown) => {
      assert.ok(err instanceof Cloudflare.AuthenticationError);
      assert.equal(err.status, 401);
      assert.deepEqual(err.errors, [{ code: 1000, message: 'Invalid API Token' }]);
      return true;
    });
  });
});
