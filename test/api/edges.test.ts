import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { bootstrap } from '../../src/api/bootstrap.ts';
import {
  EdgeAcknowledgements,
  FORGET_EDGES_AFTER_MS,
  forgetSilentEdges,
} from '../../src/api/edge-fleet.ts';
import { buildApiServer } from '../../src/api/server.ts';
import { hashTokenSecret } from '../../src/api/tokens.ts';
import { SqliteStore, type Store } from '../../src/store/index.ts';

describe('GET /edges', () => {
  let store: Store;
  let app: ReturnType<typeof buildApiServer>;
  let admin: string;

  const get = (secret: string) =>
    app.inject({
      method: 'GET',
      url: '/client/v4/edges',
      headers: { authorization: `Bearer ${secret}` },
    });

  before(async () => {
    store = SqliteStore.open({ path: ':memory:' });
    const boot = await bootstrap(store);
    admin = boot.adminSecret!;
    app = buildApiServer({
      store,
      logger: pino({ level: 'silent' }),
      version: '0.0.0-test',
      masterKey: new Uint8Array(randomBytes(32)),
      edgeTimeoutSeconds: 2,
    });
    await store.createApiToken({
      name: 'one account',
      secretHash: hashTokenSecret('secret-one-account'),
      policies: [{ effect: 'allow', scopes: [`account:${boot.account.id}`], permissions: ['*'] }],
    });
  });

  after(async () => {
    await app.close();
    await store.close();
  });

  test('lists every edge with the version it serves and whether it still counts', async () => {
    await store.reportEdge({ id: 'edge-a', name: 'fra-1:443', appliedVersion: 0, role: 'edge' });
    await store.createAccount({ name: 'moves the version on' });
    await store.reportEdge({
      id: 'edge-b',
      name: 'ams-1:443',
      appliedVersion: await store.configVersion(),
      role: 'edge',
      source: 'local copy',
    });
    const res = await get(admin);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.success, true);
    assert.deepEqual(body.result_info, {
      count: 2,
      live: 2,
      config_version: await store.configVersion(),
    });
    const byName = Object.fromEntries(
      (body.result as { name: string }[]).map((e) => [e.name, e]),
    ) as Record<string, Record<string, unknown>>;
    assert.equal(byName['fra-1:443']!.versions_behind, await store.configVersion());
    assert.equal(byName['ams-1:443']!.versions_behind, 0);
    assert.equal(byName['ams-1:443']!.source, 'local copy');
    assert.equal(byName['ams-1:443']!.live, true);

    // Silent for longer than the timeout: still listed, no longer counted.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await store.reportEdge({ id: 'edge-b', name: 'ams-1:443', appliedVersion: 2, role: 'edge' });
    const later = (await get(admin)).json();
    assert.equal(later.result_info.live, 1);
    const fra = (later.result as { name: string; live: boolean }[]).find(
      (e) => e.name === 'fra-1:443',
    );
    assert.equal(fra?.live, false);
  });

  test('edges silent for a week are forgotten, the others kept', async () => {
    const aWeekOn = Date.now() + FORGET_EDGES_AFTER_MS + 60_000;
    await store.reportEdge({ id: 'edge-c', name: 'new-1:443', appliedVersion: 0 });
    const all = await store.listEdges();
    // Seen from a week later, only an edge that reports then is kept.
    assert.equal(await forgetSilentEdges(store, FORGET_EDGES_AFTER_MS, aWeekOn), all.length);
    assert.deepEqual(await store.listEdges(), []);
    await store.reportEdge({ id: 'edge-c', name: 'new-1:443', appliedVersion: 0 });
    assert.equal(await forgetSilentEdges(store), 0);
    assert.equal((await store.listEdges()).length, 1);
  });

  test('needs a token that covers every account', async () => {
    const res = await get('secret-one-account');
    assert.equal(res.statusCode, 403);
    assert.match(res.json().errors[0].message, /may not read edges/);
  });
});

describe('waiting for the edges to acknowledge a version', () => {
  test('resolves when every live edge serves it, and a silent edge stops holding it', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const acks = new EdgeAcknowledgements(store, 1, 20);
    // The poll does not keep a process alive by itself; a server's sockets do that.
    const alive = setInterval(() => {}, 1_000);
    try {
      await store.reportEdge({ id: 'a', name: 'a', appliedVersion: 4 });
      await store.reportEdge({ id: 'b', name: 'b', appliedVersion: 4 });
      let five = false;
      let six = false;
      const waitFive = acks.waitFor(5).then(() => (five = true));
      const waitSix = acks.waitFor(6).then(() => (six = true));
      await acks.waitFor(4);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(five, false, 'no edge serves 5 yet');

      await store.reportEdge({ id: 'a', name: 'a', appliedVersion: 6 });
      await store.reportEdge({ id: 'b', name: 'b', appliedVersion: 5 });
      await waitFive;
      assert.equal(six, false, 'edge b still serves 5');

      // Edge b falls silent; after the timeout it no longer counts.
      const started = Date.now();
      const keepA = setInterval(
        () => void store.reportEdge({ id: 'a', name: 'a', appliedVersion: 6 }),
        200,
      );
      try {
        await waitSix;
      } finally {
        clearInterval(keepA);
      }
      assert.ok(Date.now() - started >= 500, 'waited for edge b to fall silent');
    } finally {
      clearInterval(alive);
      acks.close();
      await store.close();
    }
  });
});
