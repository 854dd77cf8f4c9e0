/**
 * One control plane and three edges as separate processes on one PostgreSQL of the test's own,
 * which the test stops and starts: the shape of a deployment over several machines, on
 * loopback.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { edgeStatus, startDeployment, type Deployment, type Edge } from '../helpers/deployment.ts';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('control plane and three edges on PostgreSQL', { timeout: 240_000 }, () => {
  let pg: PostgresServer;
  let d: Deployment;

  /** The status of one request; a failure says how the edge's process is doing. */
  const status = (edge: Edge, withCert: boolean) =>
    edgeStatus(d, edge, { withCert }).catch((err: Error) => {
      const code = edge.process.child.exitCode ?? edge.process.child.signalCode ?? 'running';
      const log = edge.process.stderr().slice(-2000);
      throw new Error(`edge ${edge.port} (${code}): ${err.message}\n${log}`, { cause: err });
    });

  /** Waits until `edge` answers the device's requests with `expected`; returns ms. */
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
    d = await startDeployment(pg.url, {
      edges: 3,
      env: { PORTCULLIS_POLL_INTERVAL_MS: '500', PORTCULLIS_EDGE_TIMEOUT_SECONDS: '5' },
    });
  });

  after(async () => {
    await d?.close();
    pg?.destroy();
  });

  test('every edge lets the certificate through and blocks a client without one', async () => {
    for (const edge of d.edges) {
      await until(edge, 200);
      assert.equal(await status(edge, false), 403);
    }
  });

  test('a revocation reaches every edge, and settles once every edge acknowledges it', async () => {
    const started = Date.now();
    const revoked = await d.api('DELETE', `/zones/${d.zoneId}/client_certificates/${d.device.id}`);
    assert.equal(revoked.status, 'pending_revocation');
    await Promise.all(d.edges.map((edge) => until(edge, 403, 5_000)));
    const everywhere = Date.now() - started;
    assert.ok(everywhere < 5_000, `blocked on every edge after ${everywhere} ms`);
    for (;;) {
      const now = await d.api('GET', `/zones/${d.zoneId}/client_certificates/${d.device.id}`);
      if (now.status === 'revoked') break;
      assert.ok(Date.now() - started < 10_000, `still ${now.status}`);
      await sleep(50);
    }
  });

  test('the edges write their firewall events to the shared database', async () => {
    // Every edge has blocked the revoked certificate, and clients without one, by now.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const events = (await d.api(
        'GET',
        `/zones/${d.zoneId}/firewall/events?action=block&per_page=100`,
      )) as unknown as { host: string; ray_id: string }[];
      // A ray id starts with the 8 hex digits its edge process drew at start.
      const edgesSeen = new Set(events.map((e) => e.ray_id.slice(0, 8)));
      if (events.every((e) => e.host === 'api.example.net') && edgesSeen.size >= 3) break;
      assert.ok(Date.now() < deadline, `events from ${edgesSeen.size} edges only`);
      await sleep(250);
    }
  });

  test('the others serve on while one edge is killed; the restarted one catches up', async () => {
    const [first, second, third] = d.edges as [Edge, Edge, Edge];
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
    await d.api('PATCH', `/zones/${d.zoneId}/client_certificates/${d.device.id}`, {
      reactivate: true,
    });
    await until(first, 200);
    await until(second, 200);
    // Keep the load on for a while after the kill, whatever the speed of the change.
    const servedBefore = served;
    await sleep(1_000);
    loading = false;
    await load;
    assert.deepEqual(failures, []);
    assert.ok(served > servedBefore, `no request served after the change (${served} in all)`);

    d.edges[2] = await d.startEdge(third.dir);
    await until(d.edges[2], 200);
  });

  test('with PostgreSQL stopped for 30 s the edges serve on, then catch up', async () => {
    pg.stop();
    const stoppedAt = Date.now();
    for (const edge of d.edges) assert.equal(await status(edge, true), 200);

    // An edge restarted during the outage starts from its local copy.
    const restarted = d.edges[1]!;
    await restarted.process.stop();
    d.edges[1] = await d.startEdge(restarted.dir);
    assert.match(
      d.edges[1].process.stdout(),
      /Serving\s+configuration version \d+ from .*edge-configuration\.json/,
    );

    let checks = 0;
    while (Date.now() - stoppedAt < 30_000) {
      for (const edge of d.edges) {
        assert.equal(await status(edge, true), 200);
        assert.equal(await status(edge, false), 403);
        checks++;
      }
      await sleep(250);
    }
    for (const edge of d.edges) {
      assert.equal(await metric(edge, 'portcullis_edge_store_reachable'), 0);
    }
    assert.ok(checks > 30);
    const refused = await fetch(`${d.control.apiUrl}/client/v4/zones/${d.zoneId}`, {
      headers: { authorization: `Bearer ${d.token}` },
    });
    assert.equal(refused.status, 503);
    const body = (await refused.json()) as { errors: { code: number }[] };
    assert.equal(body.errors[0]?.code, 1101);

    pg.start();
    // The control plane's pool reconnects on the next query; retry until it answers.
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await d.api('DELETE', `/zones/${d.zoneId}/client_certificates/${d.device.id}`);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(250);
      }
    }
    await Promise.all(d.edges.map((edge) => until(edge, 403, 10_000)));
    for (const edge of d.edges) {
      assert.equal(await metric(edge, 'portcullis_edge_store_reachable'), 1);
      const saved = JSON.parse(readFileSync(join(edge.dir, 'edge-configuration.json'), 'utf8'));
      assert.equal(saved.format, 'portcullis-edge-configuration/1');
    }
  });
});
