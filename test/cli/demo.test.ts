import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoFiles, demoGet, edgePortOf, startServe } from '../helpers/serve-process.ts';

test('a new data directory serves the demo: 403 without the certificate, 200 with it', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'portcullis-demo-')), 'data');
  const p = await startServe(['--data-dir', dataDir], {});
  try {
    const port = edgePortOf(p);
    assert.ok(port > 0, p.stdout());
    const lines = p
      .stdout()
      .split('\n')
      .filter((l) => l.trim().startsWith('curl -s --resolve'));
    assert.equal(lines.length, 2, 'two curl lines: without and with the certificate');
    assert.match(lines[1]!, /--cert .*client\.pem --key .*client\.key/);

    const { ca, identity } = demoFiles(dataDir);
    const denied = await demoGet(port, ca, '/hello');
    assert.equal(denied.status, 403);
    assert.match(denied.body, /no_certificate/);
    const allowed = await demoGet(port, ca, '/hello', identity);
    assert.equal(allowed.status, 200);
    const seen = JSON.parse(allowed.body) as { headers: Record<string, string> };
    assert.match(seen.headers['client-cert'] ?? '', /^:[A-Za-z0-9+/=]+:$/);

    assert.equal(statSync(join(dataDir, 'demo', 'client.key')).mode & 0o077, 0);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o077, 0);
    assert.doesNotMatch(
      readFileSync(join(dataDir, 'edge-ca.key.sealed')).toString('latin1'),
      /PRIVATE KEY/,
    );
  } finally {
    assert.equal(await p.stop(), 0);
  }
});

test('--no-demo leaves a new data directory empty of zones', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-nodemo-'));
  const p = await startServe(['--data-dir', dataDir, '--no-demo'], {});
  try {
    assert.doesNotMatch(p.stdout(), /Demo/);
    const res = await fetch(`${p.apiUrl}/client/v4/user/tokens/verify`, {
      headers: { authorization: `Bearer ${p.token}` },
    });
    assert.equal(res.status, 200);
    const zones = await fetch(`${p.apiUrl}/client/v4/zones`, {
      headers: { authorization: `Bearer ${p.token}` },
    });
    assert.deepEqual(((await zones.json()) as { result: unknown[] }).result, []);
  } finally {
    await p.stop();
  }
});
