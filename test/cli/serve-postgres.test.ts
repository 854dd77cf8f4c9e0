/**
 * `portcullis serve` with every role in one process, on PostgreSQL instead of SQLite: the
 * demo works the same, and the process counts itself as an edge for revocations.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { DEFAULT_TEST_DATABASE_URL } from '../../scripts/test-postgres.mjs';
import { demoFiles, demoGet, edgePortOf, runServe, startServe } from '../helpers/serve-process.ts';

const serverUrl = process.env.PORTCULLIS_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
const database = `portcullis_${randomBytes(4).toString('hex')}`;
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

before(() => admin(`CREATE DATABASE ${database}`));
after(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

test('an edge leaves the schema to the control plane, and says so when it is missing', async () => {
  const empty = `portcullis_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${empty}`);
  try {
    const r = await runServe(['--role', 'edge', '--data-dir', mkdtempSync(join(tmpdir(), 'pe-'))], {
      PORTCULLIS_DATABASE_URL: Object.assign(new URL(serverUrl), {
        pathname: `/${empty}`,
      }).toString(),
      PORTCULLIS_MASTER_KEY: randomBytes(32).toString('hex'),
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /older than this Portcullis needs .*start the control plane/);
    assert.match(r.stderr, /no configuration to start from: no local copy/);
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`);
  }
});

test('all roles in one process on PostgreSQL serve the demo and settle revocations', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-pg-all-'));
  const token = `pc_${randomBytes(24).toString('hex')}`;
  const p = await startServe(['--data-dir', dataDir], {
    PORTCULLIS_DATABASE_URL: databaseUrl,
    PORTCULLIS_ADMIN_TOKEN: token,
  });
  try {
    assert.match(p.stdout(), /Data\s+postgres:\/\/.*\(PostgreSQL\)/);
    const port = edgePortOf(p);
    const { ca, identity } = demoFiles(dataDir);
    assert.equal((await demoGet(port, ca, '/hello')).status, 403);
    assert.equal((await demoGet(port, ca, '/hello', identity)).status, 200);

    const api = async (method: string, path: string) => {
      const res = await fetch(`${p.apiUrl}/client/v4${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { result: Record<string, unknown>[] & Record<string, unknown> })
        .result;
    };
    const [zone] = await api('GET', '/zones?name=example.com');
    const [cert] = await api('GET', `/zones/${zone!.id}/client_certificates`);
    await api('DELETE', `/zones/${zone!.id}/client_certificates/${cert!.id}`);
    const deadline = Date.now() + 10_000;
    while (
      (await api('GET', `/zones/${zone!.id}/client_certificates/${cert!.id}`)).status !== 'revoked'
    ) {
      assert.ok(Date.now() < deadline, 'the revocation settles');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal((await demoGet(port, ca, '/hello', identity)).status, 403);
  } finally {
    assert.equal(await p.stop(), 0);
  }
});
