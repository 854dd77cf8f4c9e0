/**
 * The edge benchmark: Portcullis's edge against nginx on the same machine, side by side.
 *
 *   npm run bench:edge                       (about 3 minutes)
 *   npm run bench:edge -- --profile          (CPU profiles of the edge under load instead)
 *
 * One origin (a small nginx) serves both proxies; nginx is configured as the same mTLS proxy
 * as Portcullis's demo host (nginx-proxy.conf). Each round measures both sides one after the
 * other, the order alternating: keep-alive requests/s and requests per proxy CPU-second (wrk),
 * full handshakes per proxy CPU-second (openssl s_time -new), and p99 latency at half of the
 * side's own keep-alive rate. The figures are the medians of the rounds; the time from a
 * revocation to the first blocked request is measured once at the end. Settings come from the
 * environment: BENCH_WORKERS (edge workers and nginx workers, default 1), BENCH_ROUNDS
 * (default 3), BENCH_SECONDS (per measurement, default 5), BENCH_WARMUP_SECONDS (default 8),
 * BENCH_CONNECTIONS (keep-alive, default 50), BENCH_LATENCY_CONNECTIONS (paced, default 16).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, HERE, log, REPO, settings, startOrigin } from './common.ts';
import {
  handshakes,
  keepAlive,
  pacedKeepAlive,
  type ClientIdentity,
  type Target,
  type WrkOptions,
} from './load.ts';
import { reloadNginx, renderTemplate, startNginx } from './nginx.ts';
import {
  DEMO_HOST,
  pointDemoAt,
  shareMaterial,
  startPortcullis,
  type DemoIds,
  type Portcullis,
  type SharedMaterial,
} from './portcullis.ts';
import { Prober, untilBlocked } from './probe.ts';
import { profile } from './profile.ts';
import { stopAll, treeSize, type Started } from './processes.ts';
import {
  figuresOf,
  formatTable,
  ratios,
  SIDES,
  type Revocation,
  type Round,
  type Side,
  type SideRound,
} from './report.ts';
import { buildShim, ensureTools, versions } from './tools.ts';

/** Everything started for a comparison run. */
interface Setup {
  dir: string;
  origin: Started;
  originPort: number;
  /** nginx stub_status of the origin: how many requests it has answered. */
  statusUrl: string;
  portcullis: Portcullis;
  demo: DemoIds;
  nginx: Started;
  material: SharedMaterial;
  identity: ClientIdentity;
  targets: Record<Side, Target>;
  portcullisProcesses: number;
}

async function setUp(dir: string): Promise<Setup> {
  await ensureTools(log);
  const shim = await buildShim(HERE, dir);
  const [originPort, statusPort, proxyPort, apiPort, edgePort] = await Promise.all(
    Array.from({ length: 5 }, freePort),
  );
  const origin = await startOrigin(dir, originPort!, statusPort!);
  log(`origin (nginx, 1 worker) on 127.0.0.1:${originPort}`);

  const dataDir = join(dir, 'portcullis-data');
  const portcullis = await startPortcullis({
    repoRoot: REPO,
    dataDir,
    apiPort: apiPort!,
    edgePort: edgePort!,
    workers: settings.workers,
  });
  const demo = await pointDemoAt(portcullis, `http://127.0.0.1:${originPort}`);
  const material = await shareMaterial(portcullis, dataDir, dir);
  const portcullisProcesses = treeSize(portcullis.process.pid);
  log(`portcullis on 127.0.0.1:${edgePort} (${portcullisProcesses} process(es))`);

  const nginx = await startNginx(
    'proxy',
    dir,
    renderTemplate(join(HERE, 'nginx-proxy.conf'), {
      DIR: dir,
      WORKERS: String(settings.workers),
      ORIGIN_PORT: String(originPort),
      PROXY_PORT: String(proxyPort),
    }),
    proxyPort!,
  );
  log(`nginx on 127.0.0.1:${proxyPort} (${settings.workers} worker(s))`);

  return {
    dir,
    origin,
    originPort: originPort!,
    statusUrl: `http://127.0.0.1:${statusPort}/`,
    portcullis,
    demo,
    nginx,
    material,
    identity: {
      shim,
      certPath: material.clientCertPath,
      keyPath: material.clientKeyPath,
      sni: DEMO_HOST,
    },
    targets: {
      portcullis: { name: 'portcullis', port: edgePort!, pid: portcullis.process.pid },
      nginx: { name: 'nginx', port: proxyPort!, pid: nginx.pid },
    },
    portcullisProcesses,
  };
}

/**
 * Before anything is measured, both proxies must give the same answers: 200 from the origin
 * with the demo certificate, 403 without one.
 */
async function checkEquivalence(s: Setup): Promise<void> {
  for (const side of SIDES) {
    const port = s.targets[side].port;
    const base = { port, sni: DEMO_HOST, caPath: s.material.edgeCaPath };
    const withCert = new Prober({
      ...base,
      certPath: s.material.clientCertPath,
      keyPath: s.material.clientKeyPath,
    });
    const without = new Prober(base);
    try {
      const ok = await withCert.get('/');
      const denied = await without.get('/');
      if (ok.status !== 200 || !ok.body.includes('hello from origin') || denied.status !== 403) {
        throw new Error(
          `${side} does not behave as the demo host: with the certificate ${ok.status}, ` +
            `without ${denied.status} ${denied.body}`,
        );
      }
    } finally {
      withCert.close();
      without.close();
    }
  }
  log('both proxies answer 200 with the demo certificate and 403 without');
}

async function measureSide(s: Setup, side: Side): Promise<SideRound> {
  const target = s.targets[side];
  const wrk: WrkOptions = {
    seconds: settings.seconds,
    connections: settings.connections,
    threads: settings.threads,
    // The first seconds (wrk's handshakes, JIT, pools filling) are not counted.
    originWindow: { statusUrl: s.statusUrl, skipSeconds: 2 },
  };
  const ka = await keepAlive(target, s.identity, HERE, wrk);
  const hs = await handshakes(target, s.identity, settings.seconds, 2 * settings.workers + 2);
  const half = await pacedKeepAlive(target, s.identity, HERE, ka.rps / 2, {
    seconds: settings.seconds,
    connections: settings.latencyConnections,
    threads: settings.threads,
  });
  log(
    `  ${side.padEnd(10)} ${ka.rps.toFixed(0)} req/s (${ka.rpsPerCpu.toFixed(0)}/CPU-s, ` +
      `${ka.errors} errors), ${hs.perSecond.toFixed(0)} handshakes/s ` +
      `(${hs.perCpuSecond.toFixed(0)}/CPU-s), p99 ${half.p99Ms.toFixed(2)} ms ` +
      `at ${half.rps.toFixed(0)} req/s`,
  );
  if (ka.errors > 0) log(`  ${side}: wrk reported ${ka.errors} errors or non-2xx answers`);
  return { keepAlive: ka, handshakes: hs, halfLoad: half };
}

/** Revokes the demo certificate on one side and times the first 403 its client gets. */
async function measureRevocation(s: Setup, side: Side): Promise<Revocation> {
  const prober = new Prober({
    port: s.targets[side].port,
    sni: DEMO_HOST,
    caPath: s.material.edgeCaPath,
    certPath: s.material.clientCertPath,
    keyPath: s.material.clientKeyPath,
  });
  try {
    const before = await prober.get('/');
    if (before.status !== 200) throw new Error(`${side}: ${before.status} before revocation`);
    let how: string;
    let revoke: () => Promise<void>;
    if (side === 'nginx') {
      how = 'new CRL written, then SIGHUP (reload) to the nginx master';
      revoke = async () => {
        await s.material.writeCrl([s.material.clientSerial]);
        reloadNginx(s.nginx);
      };
    } else {
      const path = `/zones/${s.demo.zoneId}/client_certificates/${s.material.clientCertId}`;
      const probe = await s.portcullis.api('GET', path);
      if (probe.status === 404 && !probe.success) {
        return { ms: null, onOpenConnection: null, how: `not measured: GET ${path} is 404` };
      }
      // The demo rule blocks unverified certificates only; nginx's CRL check makes a revoked
      // certificate unverified, so Portcullis gets the rule that blocks revoked ones.
      const rule = await s.portcullis.api('POST', `/zones/${s.demo.zoneId}/firewall/rules`, [
        {
          filter: { expression: 'cf.tls_client_auth.cert_revoked' },
          action: 'block',
          description: 'benchmark: block revoked certificates',
        },
      ]);
      if (!rule.success)
        throw new Error(`adding the revocation rule: ${JSON.stringify(rule.errors)}`);
      const warm = await prober.get('/');
      if (warm.status !== 200) throw new Error(`portcullis: ${warm.status} before revocation`);
      how = 'DELETE /client/v4/zones/{zone}/client_certificates/{id} (answers once applied)';
      revoke = async () => {
        const revoked = await s.portcullis.api('DELETE', path);
        if (!revoked.success) throw new Error(`revoking: ${JSON.stringify(revoked.errors)}`);
      };
    }
    const since = performance.now();
    const [, blocked] = await Promise.all([revoke(), untilBlocked(prober, since, 15_000)]);
    if (!blocked) return { ms: null, onOpenConnection: null, how: `${how}: never blocked in 15 s` };
    return { ms: blocked.ms, onOpenConnection: blocked.reused, how };
  } finally {
    prober.close();
  }
}

async function compare(dir: string): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const s = await setUp(dir);
  await checkEquivalence(s);
  // V8 compiles Portcullis's hot path only after many calls; on a busy machine that takes
  // seconds. Both sides get the same unmeasured warm-up.
  log(`warming up both sides for ${settings.warmupSeconds} s each`);
  for (const side of SIDES) {
    await keepAlive(s.targets[side], s.identity, HERE, {
      seconds: settings.warmupSeconds,
      connections: settings.connections,
      threads: settings.threads,
    });
  }
  const rounds: Round[] = [];
  for (let i = 0; i < settings.rounds; i++) {
    log(`round ${i + 1} of ${settings.rounds}`);
    const order = i % 2 === 0 ? SIDES : [...SIDES].reverse();
    const round: Partial<Round> = {};
    for (const side of order) round[side] = await measureSide(s, side);
    rounds.push(round as Round);
  }
  log('revocation');
  const revocation = {
    nginx: await measureRevocation(s, 'nginx'),
    portcullis: await measureRevocation(s, 'portcullis'),
  };
  const loadAfter = loadavg();
  const tools = await versions();
  await stopAll();

  const figures = {
    portcullis: figuresOf(rounds, 'portcullis', revocation.portcullis),
    nginx: figuresOf(rounds, 'nginx', revocation.nginx),
  };
  const ratio = ratios(rounds, figures.portcullis, figures.nginx);
  console.log('');
  console.log(formatTable(figures.portcullis, figures.nginx, ratio));
  console.log("(Portcullis/nginx: the median of the rounds' ratios)");
  console.log('');
  for (const side of SIDES) console.log(`revocation, ${side}: ${revocation[side].how}`);
  console.log(
    `load average before and after: ${loadBefore[0]!.toFixed(1)}, ${loadAfter[0]!.toFixed(1)}`,
  );

  const result = {
    date: startedAt.toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      kernel: release(),
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAfter,
    },
    versions: tools,
    settings: {
      ...settings,
      handshakeClients: 2 * settings.workers + 2,
      portcullisProcesses: s.portcullisProcesses,
      loadGenerator:
        'wrk 4 (keep-alive, HTTP/1.1) and openssl s_time -new, via client-cert-shim.so',
      origin: 'nginx, 1 worker, return 200 (18 bytes), keep-alive',
    },
    figures,
    ratios: ratio,
    revocation,
    rounds,
  };
  const outDir = join(REPO, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const suffix = settings.workers === 1 ? '' : `-${settings.workers}-workers`;
  const out = join(outDir, `edge-${startedAt.toISOString().slice(0, 10)}${suffix}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${out}`);
}

async function main(): Promise<void> {
  const profiling = process.argv.includes('--profile');
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-edge-'));
  const onSignal = () => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(
    `${profiling ? 'profiling' : 'comparing'} with ${settings.workers} worker(s), ` +
      `${settings.rounds} round(s) of ${settings.seconds} s, in ${dir}`,
  );
  try {
    if (profiling) await profile(dir);
    else await compare(dir);
  } finally {
    await stopAll();
    if (!profiling) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`[bench:edge] failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
