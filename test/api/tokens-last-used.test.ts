import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { TokenUses } from '../../src/api/auth.ts';
import { SqliteStore, type ApiToken, type Store } from '../../src/store/index.ts';
import { startTestApi, type TestApi } from '../helpers/api.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface TokenRow {
  id: string;
  name: string;
  last_used_on?: string;
}

describe('API tokens: last used', () => {
  let api: TestApi;
  const get = (url: string) =>
    api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${api.token}` } });
  const listed = async (): Promise<TokenRow | undefined> => {
    const res = await get('/client/v4/user/tokens');
    return (res.json() as { result: TokenRow[] }).result.find((t) => t.name === 'admin');
  };

  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  test('a request records when its token was used, and the token list shows it', async () => {
    const started = Date.now();
    const res = await get('/client/v4/user/tokens/verify');
    assert.equal(res.statusCode, 200);
    // The write runs behind the request; give it a moment.
    let row = await listed();
    for (const deadline = Date.now() + 2000; !row?.last_used_on && Date.now() < deadline;) {
      await sleep(20);
      row = await listed();
    }
    assert.ok(row?.last_used_on, 'last_used_on is set');
    const used = Date.parse(row.last_used_on);
    assert.ok(used >= started - 1000 && used <= Date.now(), row.last_used_on);
  });

  test('a busy token is written once a minute, not on every request', async () => {
    const first = (await listed())?.last_used_on;
    for (let i = 0; i < 5; i++) await get('/client/v4/user/tokens/verify');
    await sleep(50);
    assert.equal((await listed())?.last_used_on, first);
  });
});

describe('TokenUses', () => {
  let store: Store;
  let token: ApiToken;
  const warnings: unknown[] = [];
  const log = { warn: (o: unknown) => warnings.push(o) } as unknown as FastifyBaseLogger;

  before(async () => {
    store = SqliteStore.open({ path: ':memory:' });
    token = await store.createApiToken({ name: 't', secretHash: 'h', policies: [] });
  });
  after(() => store.close());

  const settle = () => store.listApiTokens();

  test('writes a use at most once per interval and leaves the configuration version', async () => {
    let now = Date.parse('2026-12-03T18:00:00.000Z');
    const uses = new TokenUses(store, { intervalMs: 60_000, now: () => now });
    const version = await store.configVersion();
    uses.record(token, log);
    await settle();
    assert.equal((await store.getApiToken(token.id))?.lastUsedOn, '2026-12-03T18:00:00.000Z');
    now += 59_000;
    uses.record(token, log);
    await settle();
    assert.equal((await store.getApiToken(token.id))?.lastUsedOn, '2026-12-03T18:00:00.000Z');
    now += 1_000;
    uses.record(token, log);
    await settle();
    assert.equal((await store.getApiToken(token.id))?.lastUsedOn, '2026-12-03T18:01:00.000Z');
    assert.equal(await store.configVersion(), version);
  });

  test('logs a failed write and tries again on the next use', async () => {
    const now = Date.parse('2026-12-03T19:00:00.000Z');
    const uses = new TokenUses(store, { now: () => now });
    const gone = { ...token, id: 'no-such-token', lastUsedOn: null };
    uses.record(gone, log);
    await settle();
    assert.equal(warnings.length, 1);
    uses.record(gone, log);
    await settle();
    assert.equal(warnings.length, 2);
  });
});
