/**
 * One control plane and three edges as separate processes on one PostgreSQL of the test's own,
 * which the test stops and starts: the shape of a deployment over several machines, on
 * loopback.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EdgeCertificates } from '../../src/edge/server-certificates.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.ts';
import { edgePortOf, startServe, type ServeProcess } from '../helpers/serve-process.ts';

const HOST = 'api.example.net';
const RULE =
  `(http.host in {"${HOST}"} and ` +
  '(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked))';
const EDGE_READY = /Serving\s+configuration version \d+/;

interface Edge {
  dir: string;
  process: ServeProcess;
  port: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('control plane and three edges on PostgreSQL', { timeout: 240_000 }, () => {
  let pg: PostgresServer;
  let env: NodeJS.ProcessEnv;
  let control: ServeProcess;
  const edges: Edge[] = [];
  let edgeCa: string;
  let zoneId: string;
  let cert: { id: string; cert: string; key: string };
  const token = `pc_${randomBytes(24).toString('hex')}`;

  // Answers are read field by field below, as the official client would.
  type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const api = async (method: string, path: string, body?: unknown): Promise<Result> => {
    const res = await fetch(`${control.apiUrl}/client/v4${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { success: boolean; result: Result; errors: unknown };
    assert.ok(json.success, `${method} ${path}: ${JSON.stringify(json.errors)}`);
    return json.result;
  };

  const startEdge = async (dir: string): Promise<Edge> => {
    const p = await startServe(
      ['--role', 'edge'],
      { ...env, PORTCULLIS_DATA_DIR: dir },
      EDGE_READY,
    );
    return { dir, process: p, port: edgePortOf(p) };
  };

  /** The status of one request through `edge`, with the device certificate or without. */
  const status = (edge: Edge, withCert: boolean) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: edge.port,
          path: '/',
          servername: HOST,
          headers: { host: HOST },
          ca: edgeCa,
          agent: false,
          ...(withCert ? { cert: cert.cert, key: cert.key } : {}),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(5_000, () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });

  /** Waits until `edge` answers the certificate's requests with `expected`; returns ms. */
  const until = async (edge: Edge, expected: number, limitMs = 10_000) => {
    const started = Date.now();
    for (;;) {
      const got = await status(edge, true).catch(() => 0);
      if (got === expected) return Date.now() - started;
      if (Date.now() - started > limitMs) {
        assert.fail(`edge ${edge.port} answered ${got}, not ${expected}, for ${limitMs} ms`);
      }
      await sleep(20);
    }
  };

  const metric = async (edge: Edge, name: string) => {
    const text = await (await fetch(`${edge.process.apiUrl}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  before(async () => {
    pg = await startPostgres();
    const masterKey = randomBytes(32);
    env = {
      PORTCULLIS_DATABASE_URL: pg.url,
      PORTCULLIS_MASTER_KEY: masterKey.toString('hex'),
      PORTCULLIS_ADMIN_TOKEN: token,
      PORTCULLIS_POLL_INTERVAL_MS: '500',
      PORTCULLIS_EDGE_TIMEOUT_SECONDS: '5',
      PORTCULLIS_LOG_LEVEL: 'warn',
    };
    const controlDir = mkdtempSync(join(tmpdir(), 'portcullis-control-'));
    control = await startServe(['--role', 'control', '--no-demo'], {
      ...env,
      PORTCULLIS_DATA_DIR: controlDir,
    });
    // Every edge presents server certificates from one edge CA, as operators set it up: the
    // CA is made once and its two files copied to each edge's data directory.
    const dirs = [1, 2, 3].map(() => mkdtempSync(join(tmpdir(), 'portcullis-edge-')));
    edgeCa = (await EdgeCertificates.load(dirs[0]!, masterKey)).caPem;
    for (const dir of dirs.slice(1)) {
      for (const file of ['edge-ca.pem', 'edge-ca.key.sealed']) {
        copyFileSync(join(dirs[0]!, file), join(dir, file));
      }
    }
    for (const dir of dirs) edges.push(await startEdge(dir));

    const [account] = (await api('GET', '/accounts')) as unknown as Result[];
    const zone = await api('POST', '/zones', { name: 'example.net', account: { id: account!.id } });
    zoneId = zone.id;
    await api('POST', `/zones/${zoneId}/hosts`, {
      hostname: HOST,
      origin: 'http://echo.portcullis.internal',
      mtls_enabled: true,
    });
    const issued = await api('POST', `/zones/${zoneId}/client_certificates/generate`, {
      common_name: 'device-0001',
      validity_days: 30,
    });
    cert = { id: issued.id, cert: issued.certificate, key: issued.private_key };
    await api('PUT', `/zones/${zoneId}/rulesets/phases/http_request_firewall_custom/entrypoint`, {
      rules: [{ action: 'block', expression: RULE, description: 'mTLS required' }],
    });
  });

  after(async () => {
    for (const edge of edges) await edge.process.stop('SIGKILL').catch(() => {});
    await control?.stop().catch(() => {});
    pg?.destroy();
  });

  test('every edge lets the certificate through and blocks a client without one', async () => {
    for (const edge of edges) {
      await until(edge, 200);
      assert.equal(await status(edge, false), 403);
    }
  });

  test('a revocation reaches every edge, and settles once every edge acknowledges it', async () => {
    const started = Date.now();
    const revoked = await api('DELETE', `/zones/${zoneId}/client_certificates/${cert.id}`);
    assert.equal(revoked.status, 'pending_revocation');
    await Promise.all(edges.map((edge) => until(edge, 403, 5_000)));
    const everywhere = Date.now() - started;
    assert.ok(everywhere < 5_000, `blocked on every edge after ${everywhere} ms`);
    for (;;) {
      const now = await api('GET', `/zones/${zoneId}/client_certificates/${cert.id}`);
      if (now.status === 'revoked') break;
      assert.ok(Date.now() - started < 10_000, `still ${now.status}`);
      await sleep(50);
    }
  });

  test('the other edges serve on while one is killed, and the restarted one catches up', async () => {
    const [first, second, third] = edges as [Edge, Edge, Edge];
    let served = 0;
    const failures: string[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        for (const edge of [first, second]) {
          const got = await status(edge, true).catch((err: Error) => err.message);
          if (got === 403 || got === 200) served++;
          else failures.push(`${edge.port}: ${got}`);
        }
      }
    })();
    await sleep(300);
    await third.process.stop('SIGKILL');
    await api('PATCH', `/zones/${zoneId}/client_certificates/${cert.id}`, { reactivate: true });
    await until(first, 200);
    await until(second, 200);
    loading = false;
    await load;
    assert.deepEqual(failures, []);
    assert.ok(served > 10, `only ${served} requests served`);

    edges[2] = await startEdge(third.dir);
    await until(edges[2], 200);
  });

  test('with PostgreSQL stopped for 30 s the edges serve on, and apply what changes after', async () => {
    pg.stop();
    const stoppedAt = Date.now();
    for (const edge of edges) assert.equal(await status(edge, true), 200);

    // An edge restarted during the outage starts from its local copy.
    const restarted = edges[1]!;
    await restarted.process.stop();
    edges[1] = await startEdge(restarted.dir);
    assert.match(
      edges[1].process.stdout(),
      /Serving\s+configuration version \d+ from .*edge-configuration\.json/,
    );

    let checks = 0;
    while (Date.now() - stoppedAt < 30_000) {
      for (const edge of edges) {
        assert.equal(await status(edge, true), 200);
        assert.equal(await status(edge, false), 403);
        checks++;
      }
      await sleep(250);
    }
    for (const edge of edges)
      assert.equal(await metric(edge, 'portcullis_edge_store_reachable'), 0);
    assert.ok(checks > 30);

    pg.start();
    // The control plane's pool reconnects on the next query; retry until it answers.
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await api('DELETE', `/zones/${zoneId}/client_certificates/${cert.id}`);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(250);
      }
    }
    await Promise.all(edges.map((edge) => until(edge, 403, 10_000)));
    for (const edge of edges) {
      assert.equal(await metric(edge, 'portcullis_edge_store_reachable'), 1);
      const saved = JSON.parse(readFileSync(join(edge.dir, 'edge-configuration.json'), 'utf8'));
      assert.equal(saved.format, 'portcullis-edge-configuration/1');
    }
  });
});
