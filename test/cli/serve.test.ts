import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runServe, startServe } from '../helpers/serve-process.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'portcullis-serve-'));

async function verify(apiUrl: string, token: string) {
  const res = await fetch(`${apiUrl}/client/v4/user/tokens/verify`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as { result: { status: string } | null } };
}

describe('portcullis serve', () => {
  test('starts on a new data directory, prints the token once, stops on SIGTERM', async () => {
    const dataDir = join(scratch(), 'data');
    const first = await startServe(['--data-dir', dataDir], {});
    assert.ok(first.token, 'the first start prints an admin token');
    const ok = await verify(first.apiUrl, first.token);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.result?.status, 'active');
    assert.ok(existsSync(join(dataDir, 'portcullis.pid')));
    assert.equal(await first.stop('SIGTERM'), 0);
    assert.equal(existsSync(join(dataDir, 'portcullis.pid')), false);

    const logs = first.stderr().trim().split('\n');
    for (const line of logs) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
    assert.ok(logs.some((l) => JSON.parse(l).msg === 'portcullis started'));
    assert.ok(logs.some((l) => JSON.parse(l).msg === 'stopped'));
    assert.equal(first.stderr().includes(first.token), false, 'the token never reaches the logs');

    const second = await startServe(['--data-dir', dataDir], {});
    assert.equal(second.token, undefined, 'a restart does not print a token');
    assert.match(second.stdout(), /printed when this data directory was created/);
    assert.equal((await verify(second.apiUrl, first.token)).status, 200);
    assert.equal(await second.stop('SIGINT'), 0);
  });

  test('installs the admin token given in PORTCULLIS_ADMIN_TOKEN', async () => {
    const token = 'given-admin-token-0123456789';
    const p = await startServe([], {
      PORTCULLIS_DATA_DIR: scratch(),
      PORTCULLIS_ADMIN_TOKEN: token,
    });
    try {
      assert.equal(p.token, undefined);
      assert.equal((await verify(p.apiUrl, token)).status, 200);
      assert.equal((await verify(p.apiUrl, 'another-token-0123456789')).status, 401);
    } finally {
      await p.stop();
    }
  });

  test('says what is wrong with a bad setting and touches nothing', async () => {
    const dataDir = join(scratch(), 'never');
    const r = await runServe([], { PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_EDGE_LISTEN: 'nope' });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.trim(),
      'portcullis: PORTCULLIS_EDGE_LISTEN=nope: expected host:port with a port from 0 to 65535, ' +
        'e.g. 127.0.0.1:8080 or [::1]:8080',
    );
    assert.equal(existsSync(dataDir), false);
  });

  test('refuses a port already in use before writing the database', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = scratch();
    try {
      const r = await runServe(['--data-dir', dataDir, '--api-listen', `127.0.0.1:${port}`], {});
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr.trim(),
        `portcullis: cannot listen on 127.0.0.1:${port} (PORTCULLIS_API_LISTEN): ` +
          'the address is already in use',
      );
      assert.equal(existsSync(join(dataDir, 'portcullis.db')), false);
    } finally {
      blocker.close();
    }
  });

  test('refuses a data directory held by another running Portcullis', async () => {
    const dataDir = scratch();
    const p = await startServe(['--data-dir', dataDir], {});
    try {
      const r = await runServe(['--data-dir', dataDir], {});
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /^portcullis: data directory .* is in use by another Portcullis \(pid \d+\)/,
      );
    } finally {
      await p.stop();
    }
  });

  test('refuses a database written by a newer Portcullis and leaves it as it was', async () => {
    const dataDir = scratch();
    await (await startServe(['--data-dir', dataDir], {})).stop();
    const dbPath = join(dataDir, 'portcullis.db');
    const db = new Database(dbPath);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_on) VALUES (999, ?, ?)').run(
      'future',
      new Date().toISOString(),
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = readFileSync(dbPath);
    const r = await runServe(['--data-dir', dataDir], {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, /schema version 999, newer than this Portcullis knows/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.deepEqual(readFileSync(dbPath), before);
  });

  test('refuses a separate role without the PostgreSQL that roles share', async () => {
    const r = await runServe(['--role', 'edge'], { PORTCULLIS_DATA_DIR: scratch() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--role edge needs PostgreSQL shared with the other roles/);
  });

  test('a control plane whose database is unreachable says so and stops', async () => {
    const r = await runServe(['--role', 'control'], {
      PORTCULLIS_DATA_DIR: scratch(),
      PORTCULLIS_DATABASE_URL: 'postgres://portcullis:secret-password@127.0.0.1:1/portcullis',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^portcullis: .*127\.0\.0\.1:1/m);
    assert.doesNotMatch(r.stdout + r.stderr, /secret-password/);
  });
});
