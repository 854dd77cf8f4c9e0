import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServe } from '../helpers/serve-process.ts';

function get(port: number, ca: string, cert?: { cert: string; key: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: 'api.example.com',
        headers: { host: 'api.example.com' },
        path: '/hello',
        ca,
        agent: false,
        ...cert,
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('a new data directory serves the demo: 403 without the certificate, 200 with it', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'portcullis-demo-')), 'data');
  const p = await startServe(['--data-dir', dataDir], {});
  try {
    const port = Number(/Edge\s+https:\/\/127\.0\.0\.1:(\d+)/.exec(p.stdout())?.[1]);
    assert.ok(port > 0, p.stdout());
    const lines = p
      .stdout()
      .split('\n')
      .filter((l) => l.trim().startsWith('curl -s --resolve'));
    assert.equal(lines.length, 2, 'two curl lines: without and with the certificate');
    assert.match(lines[1]!, /--cert .*client\.pem --key .*client\.key/);

    const ca = readFileSync(join(dataDir, 'edge-ca.pem'), 'utf8');
    const denied = await get(port, ca);
    assert.equal(denied.status, 403);
    assert.match(denied.body, /no_certificate/);
    const identity = {
      cert: readFileSync(join(dataDir, 'demo', 'client.pem'), 'utf8'),
      key: readFileSync(join(dataDir, 'demo', 'client.key'), 'utf8'),
    };
    const allowed = await get(port, ca, identity);
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
