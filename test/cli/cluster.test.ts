import assert from 'node:assert/strict';
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
