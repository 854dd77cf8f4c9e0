import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { bootstrap } from '../../src/api/bootstrap.ts';
import { buildApiServer } from '../../src/api/server.ts';
import { SqliteStore, type Store } from '../../src/store/index.ts';

const INDEX = '<!doctype html><title>Portcullis</title><div id="root"></div>';

async function serverWith(dashboardDir: string) {
  const store = SqliteStore.open({ path: ':memory:' });
  const boot = await bootstrap(store);
  const app = buildApiServer({
    store,
    logger: pino({ level: 'silent' }),
    version: '0.0.0-test',
    masterKey: new Uint8Array(randomBytes(32)),
    dashboardDir,
  });
  return { app, store, token: boot.adminSecret! };
}

describe('dashboard serving', () => {
  let dir: string;
  let app: FastifyInstance;
  let store: Store;
  let token: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-dashboard-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1);');
    await writeFile(join(dir, 'assets', 'index-AbC123.css'), 'body{}');
    await writeFile(join(dir, 'robots.txt'), 'User-agent: *');
    ({ app, store, token } = await serverWith(dir));
  });

  after(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the root serves index.html, revalidated on every load', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.body, INDEX);
  });

  test('hashed assets have their content type and a year of immutable caching', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.body, 'console.log(1);');
    const css = await app.inject({ method: 'GET', url: '/assets/index-AbC123.css' });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  });

  test('files outside assets are served but revalidated', async () => {
    const res = await app.inject({ method: 'GET', url: '/robots.txt' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
  });

  test('an unknown dashboard path gets index.html, so reloads work', async () => {
    const res = await app.inject({ method: 'GET', url: '/zones/abc/firewall?tab=rules' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, INDEX);
  });

  test('a missing asset is a 404, not index.html', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    assert.equal(res.statusCode, 404);
    assert.notEqual(res.body, INDEX);
  });

  test('paths that climb out of the dashboard directory are refused', async () => {
    for (const url of [
      '/../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fx.js',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      assert.notEqual(res.statusCode, 200, url);
      assert.ok(!res.body.includes('"name"'), url);
    }
  });

  test('unknown API paths still answer in the envelope, after authentication', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/client/v4/nowhere' });
    assert.equal(anonymous.statusCode, 401);
    const res = await app.inject({
      method: 'GET',
      url: '/client/v4/nowhere',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().success, false);
    assert.equal(res.json().errors[0].message, 'no route for GET /client/v4/nowhere');
  });

  test('API routes and health are not shadowed by the dashboard', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.json().status, 'ok');
    const verify = await app.inject({
      method: 'GET',
      url: '/client/v4/user/tokens/verify',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(verify.json().result.status, 'active');
  });
});

describe('dashboard not built', () => {
  test('the root explains how to build it', async () => {
    const missing = join(tmpdir(), `portcullis-no-dashboard-${process.pid}`);
    const { app, store } = await serverWith(missing);
    try {
      for (const url of ['/', '/zones/abc/firewall']) {
        const res = await app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 503);
        assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
        assert.match(res.body, /npm run build/);
      }
    } finally {
      await app.close();
      await store.close();
    }
  });
});
