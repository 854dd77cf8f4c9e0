import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { foreignIdentity } from '../helpers/edge.ts';
import { demoFiles, demoGet, edgePortOf, startServe } from '../helpers/serve-process.ts';

const BIN = new URL('../../bin/portcullis.mjs', import.meta.url).pathname;
const run = promisify(execFile);

const get = (port: number, ca: string, identity?: { cert: string; key: string }) =>
  demoGet(port, ca, '/orders', identity).then((r) => r.status);

test('events tail, events top, the API and the metrics agree on the same traffic', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-events-'));
  const p = await startServe(['--data-dir', dataDir], {});
  try {
    const port = edgePortOf(p);
    const { ca, identity } = demoFiles(dataDir);
    const api = (path: string, method = 'GET') =>
      fetch(`${p.apiUrl}/client/v4${path}`, {
        method,
        headers: { authorization: `Bearer ${p.token}` },
      }).then((r) => r.json() as Promise<{ result: { id: string; status?: string }[] }>);
    const zone = (await api('/zones?name=example.com')).result[0]!;
    const stranger = foreignIdentity();

    for (let i = 0; i < 3; i++) assert.equal(await get(port, ca), 403);
    for (let i = 0; i < 2; i++) assert.equal(await get(port, ca, identity), 200);
    assert.equal(await get(port, ca, stranger), 403);
    const [demoCert] = (await api(`/zones/${zone.id}/client_certificates`)).result;
    await api(`/zones/${zone.id}/client_certificates/${demoCert!.id}`, 'DELETE');
    // Revocation reaches the edge within moments; requests that beat it are allowed, counted.
    let revoked = 200;
    let allowedBeforeRevocation = -1;
    for (let i = 0; i < 50 && revoked === 200; i++) {
      revoked = await get(port, ca, identity);
      allowedBeforeRevocation++;
    }
    assert.equal(revoked, 403, 'the demo rule set blocks a revoked certificate');
    await new Promise((r) => setTimeout(r, 1_500)); // the edge writes events every second

    const env = { ...process.env, PORTCULLIS_API_URL: p.apiUrl, PORTCULLIS_TOKEN: p.token };
    const tail = await run(
      process.execPath,
      [BIN, 'events', 'tail', '--zone', 'example.com', '--once'],
      { env },
    );
    const blocks = tail.stdout
      .split('\n')
      .filter((l) => / block +no_certificate +api\.example\.com GET \/orders /.test(l));
    assert.equal(blocks.length, 3, tail.stdout);

    const topOut = await run(
      process.execPath,
      [BIN, 'events', 'top', '--zone', 'example.com', '--since', '1h'],
      { env },
    );
    assert.match(
      topOut.stdout,
      /Reasons\n\s+3\s+no_certificate\n\s+1\s+revoked\n\s+1\s+unknown_ca/,
    );
    const analytics = (await api(`/zones/${zone.id}/firewall/analytics?top=20`)) as unknown as {
      result: { top: { reasons: { value: string; count: number }[] } };
    };
    const byReason = Object.fromEntries(
      analytics.result.top.reasons.map((r) => [r.value, r.count]),
    );
    assert.equal(byReason.no_certificate, 3);
    assert.equal(byReason.unknown_ca, 1);
    assert.equal(byReason.revoked, 1);

    const metrics = await (await fetch(`${p.apiUrl}/metrics`)).text();
    const count = (action: string, reason: string) =>
      new RegExp(
        `portcullis_edge_requests_total\\{[^}]*action="${action}",reason="${reason}"\\} (\\d+)`,
      ).exec(metrics)?.[1];
    assert.equal(count('block', 'no_certificate'), '3');
    assert.equal(count('allow', 'verified'), String(2 + allowedBeforeRevocation));
    assert.equal(count('block', 'unknown_ca'), '1');
    assert.equal(count('block', 'revoked'), '1');
  } finally {
    await p.stop();
  }
});

test('events commands say what is missing instead of failing obscurely', async () => {
  const env = { ...process.env, PORTCULLIS_TOKEN: '' };
  await assert.rejects(
    run(process.execPath, [BIN, 'events', 'top', '--zone', 'x'], { env }),
    (err: { stderr: string; code: number }) =>
      err.code === 1 && /an API token is needed/.test(err.stderr),
  );
});
