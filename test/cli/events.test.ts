import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
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
    for (let i = 0; i < 3; i++) assert.equal(await get(port, ca), 403);
    for (let i = 0; i < 2; i++) assert.equal(await get(port, ca, identity), 200);
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
    assert.match(topOut.stdout, /Reasons\n\s+3\s+no_certificate/);

    const metrics = await (await fetch(`${p.apiUrl}/metrics`)).text();
    const blocked =
      /portcullis_edge_requests_total\{[^}]*action="block",reason="no_certificate"\} (\d+)/.exec(
        metrics,
      );
    assert.equal(blocked?.[1], '3');
    const allowed =
      /portcullis_edge_requests_total\{[^}]*action="allow",reason="verified"\} (\d+)/.exec(metrics);
    assert.equal(allowed?.[1], '2');
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
