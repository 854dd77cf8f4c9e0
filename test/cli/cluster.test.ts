import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoFiles, demoGet, edgePortOf, startServe } from '../helpers/serve-process.ts';

/** A request on a new connection: node's cluster spreads connections over the workers. */
const get = (port: number, ca: string, path: string, identity: { cert: string; key: string }) =>
  demoGet(port, ca, path, identity).then((r) => r.status);

test('with two edge workers, every worker serves and every worker applies a new rule', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-cluster-'));
  const p = await startServe(['--data-dir', dataDir], { PORTCULLIS_EDGE_WORKERS: '2' });
  try {
    const port = edgePortOf(p);
    const { ca, identity } = demoFiles(dataDir);
    const before = await Promise.all(
      Array.from({ length: 8 }, () => get(port, ca, '/stop', identity)),
    );
    assert.deepEqual(before, Array(8).fill(200));

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${p.apiUrl}/client/v4${path}`, {
        ...init,
        headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      }).then((r) => r.json() as Promise<{ result: { id: string }[] }>);
    const zone = (await api('/zones?name=example.com')).result[0]!;
    await api(`/zones/${zone.id}/firewall/rules`, {
      method: 'POST',
      body: JSON.stringify([
        { action: 'block', filter: { expression: 'http.request.uri.path eq "/stop"' } },
      ]),
    });

    const deadline = Date.now() + 5_000;
    let after: number[] = [];
    do {
      after = await Promise.all(Array.from({ length: 8 }, () => get(port, ca, '/stop', identity)));
    } while (after.some((s) => s !== 403) && Date.now() < deadline);
    assert.deepEqual(after, Array(8).fill(403), 'every worker blocks within 5 s');
  } finally {
    assert.equal(await p.stop(), 0);
  }
});

test('a killed edge worker is replaced while the other serves on', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-cluster-'));
  const p = await startServe(['--data-dir', dataDir], { PORTCULLIS_EDGE_WORKERS: '2' });
  try {
    const port = edgePortOf(p);
    const { ca, identity } = demoFiles(dataDir);
    const workers = () =>
      execFileSync('ps', ['-o', 'pid=', '--ppid', String(p.child.pid)])
        .toString()
        .trim()
        .split(/\s+/)
        .map(Number);
    const before = workers();
    assert.equal(before.length, 2, 'two workers');

    let served = 0;
    const failures: string[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        const got = await get(port, ca, '/hello', identity).catch((err: Error) => err.message);
        if (got === 200) served++;
        else failures.push(String(got));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(before[0]!, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (!(workers().length === 2 && !workers().includes(before[0]!))) {
      assert.ok(Date.now() < deadline, 'the killed worker is replaced within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const servedAtReplacement = served;
    await new Promise((resolve) => setTimeout(resolve, 500));
    loading = false;
    await load;
    // A connection the killed worker held when it died may fail; nothing after that may.
    assert.ok(failures.length <= 1, `requests failed: ${failures.join(', ')}`);
    assert.ok(served > servedAtReplacement, 'requests are served after the replacement');
    assert.match(p.stderr(), /edge worker died, starting another/);
  } finally {
    assert.equal(await p.stop(), 0);
  }
});
