/**
 * How long a change takes to be enforced on every edge: `npm run bench:propagation`.
 *
 * One control plane and three edges run as separate processes on a PostgreSQL of the
 * benchmark's own (started in a temporary directory, as the tests do). Each edge is probed
 * continuously over a kept-alive connection; a change is enforced on an edge at the first
 * answer that shows it, and everywhere when the last edge shows it. Two kinds of change, 100
 * of each: revoking the device certificate (then restoring it, waited for but not measured),
 * and deploying a new rule that blocks one path. The target is p99 under 1 s from the API
 * call to the last edge.
 *
 * BENCH_CHANGES sets the number of changes of each kind, BENCH_EDGES the number of edges.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { cpus } from 'node:os';
import { startTemporaryPostgres } from '../scripts/test-postgres.mjs';
import {
  edgeStatus,
  startDeployment,
  type Deployment,
  type Edge,
} from '../test/helpers/deployment.ts';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const EDGES = Number(process.env.BENCH_EDGES ?? 3);

interface Probe {
  withCert: boolean;
  path?: string;
}

/**
 * Probes every edge until `enforced(status)` holds on each; resolves with the ms from `since`
 * to the first such answer, per edge.
 */
function enforcedEverywhere(
  d: Deployment,
  agents: Map<Edge, Agent>,
  since: number,
  probe: Probe,
  enforced: (status: number) => boolean,
): Promise<number[]> {
  return Promise.all(
    d.edges.map(async (edge) => {
      for (;;) {
        const agent = agents.get(edge);
        const status = await edgeStatus(d, edge, { ...probe, agent }).catch(() => 0);
        if (enforced(status)) return performance.now() - since;
        if (performance.now() - since > 30_000) {
          throw new Error(`edge ${edge.port} did not enforce the change within 30 s`);
        }
      }
    }),
  );
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    changes: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

async function waitForStatus(d: Deployment, path: string, status: string): Promise<void> {
  while ((await d.api('GET', path)).status !== status) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function measureRevocations(d: Deployment, agents: Map<Edge, Agent>) {
  const path = `/zones/${d.zoneId}/client_certificates/${d.device.id}`;
  const everywhere: number[] = [];
  const perEdge: number[] = [];
  const settled: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const since = performance.now();
    await d.api('DELETE', path);
    const times = await enforcedEverywhere(d, agents, since, { withCert: true }, (s) => s === 403);
    everywhere.push(Math.max(...times));
    perEdge.push(...times);
    await waitForStatus(d, path, 'revoked');
    settled.push(performance.now() - since);
    await d.api('PATCH', path, { reactivate: true });
    await enforcedEverywhere(d, agents, performance.now(), { withCert: true }, (s) => s === 200);
    await waitForStatus(d, path, 'active');
  }
  return { everywhere, perEdge, settled };
}

async function measureDeploys(d: Deployment, agents: Map<Edge, Agent>) {
  const entrypoint = `/zones/${d.zoneId}/rulesets/phases/http_request_firewall_custom/entrypoint`;
  const ruleset = await d.api('GET', entrypoint);
  const everywhere: number[] = [];
  const perEdge: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const path = `/closed-${i}`;
    const since = performance.now();
    await d.api('POST', `/zones/${d.zoneId}/rulesets/${ruleset.id}/rules`, {
      action: 'block',
      expression: `http.request.uri.path eq "${path}"`,
      description: `close ${path}`,
    });
    const times = await enforcedEverywhere(
      d,
      agents,
      since,
      { withCert: true, path },
      (s) => s === 403,
    );
    everywhere.push(Math.max(...times));
    perEdge.push(...times);
  }
  return { everywhere, perEdge };
}

async function main() {
  const pg = await startTemporaryPostgres();
  let d: Deployment | undefined;
  try {
    d = await startDeployment(pg.url, { edges: EDGES });
    const agents = new Map(d.edges.map((e) => [e, new Agent({ keepAlive: true, maxSockets: 1 })]));
    // Everything is in place before the first measurement.
    await enforcedEverywhere(d, agents, performance.now(), { withCert: true }, (s) => s === 200);

    const revocations = await measureRevocations(d, agents);
    const deploys = await measureDeploys(d, agents);
    const results = {
      benchmark: 'propagation',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      setup: `1 control + ${EDGES} edges (1 worker each) on PostgreSQL ${pg.version}, loopback`,
      unit: 'ms from the API call',
      revokeToEnforcedEverywhere: summary(revocations.everywhere),
      revokeToEnforcedPerEdge: summary(revocations.perEdge),
      revokeToStatusRevoked: summary(revocations.settled),
      deployToEnforcedEverywhere: summary(deploys.everywhere),
      deployToEnforcedPerEdge: summary(deploys.perEdge),
    };
    console.log(JSON.stringify(results, null, 2));
    const dir = new URL('results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`propagation-${results.date.slice(0, 10)}.json`, dir);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written to ${file.pathname}`);
    const p99 = Math.max(
      results.revokeToEnforcedEverywhere.p99,
      results.deployToEnforcedEverywhere.p99,
    );
    console.log(`target p99 < 1000 ms: ${p99 < 1000 ? 'met' : 'NOT met'} (${p99} ms)`);
  } finally {
    for (const edge of d?.edges ?? []) edge.process.child.stdout?.destroy();
    await d?.close();
    pg.destroy();
  }
}

await main();
