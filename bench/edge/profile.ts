/**
 * The edge under `node --cpu-prof` (`npm run bench:edge -- --profile`): where its time goes
 * under keep-alive load and under full handshakes.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, HERE, log, REPO, settings, startOrigin } from './common.ts';
import { handshakes, keepAlive, type ClientIdentity, type Target } from './load.ts';
import { DEMO_HOST, pointDemoAt, startPortcullis } from './portcullis.ts';
import { stop } from './processes.ts';
import { formatSummary, summarise } from './profile-summary.ts';
import { buildShim, ensureTools } from './tools.ts';

/**
 * Runs the edge under `node --cpu-prof` twice, once under keep-alive load and once under
 * full handshakes, and summarises where the time goes.
 */
export async function profile(dir: string): Promise<void> {
  await ensureTools(log);
  const shim = await buildShim(HERE, dir);
  const [originPort, statusPort] = [await freePort(), await freePort()];
  await startOrigin(dir, originPort, statusPort);
  const statusUrl = `http://127.0.0.1:${statusPort}/`;
  const seconds = Math.max(settings.seconds, 10);
  for (const load of ['keep-alive', 'handshakes'] as const) {
    // A profile covers one load only: a new Portcullis for each.
    const profileDir = join(dir, `profile-${load}`);
    const dataDir = join(dir, `data-${load}`);
    const [apiPort, edgePort] = [await freePort(), await freePort()];
    const spawnedAt = performance.now();
    const p = await startPortcullis({
      repoRoot: REPO,
      dataDir,
      apiPort,
      edgePort,
      workers: settings.workers,
      nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir],
    });
    await pointDemoAt(p, `http://127.0.0.1:${originPort}`);
    const identity: ClientIdentity = {
      shim,
      certPath: join(dataDir, 'demo', 'client.pem'),
      keyPath: join(dataDir, 'demo', 'client.key'),
      sni: DEMO_HOST,
    };
    const target: Target = { name: 'portcullis', port: edgePort, pid: p.process.pid };
    const wrk = { connections: settings.connections, threads: settings.threads };
    const skipSeconds = 2;
    await keepAlive(target, identity, HERE, { ...wrk, seconds: 2 });
    const window = { fromMs: performance.now() - spawnedAt, toMs: 0 };
    if (load === 'keep-alive') {
      window.fromMs += skipSeconds * 1000;
      const originWindow = { statusUrl, skipSeconds };
      const r = await keepAlive(target, identity, HERE, { ...wrk, seconds, originWindow });
      log(`profiled keep-alive: ${r.rps.toFixed(0)} req/s, ${r.rpsPerCpu.toFixed(0)}/CPU-s`);
    } else {
      const r = await handshakes(target, identity, seconds, 2 * settings.workers + 2);
      log(`profiled handshakes: ${r.perSecond.toFixed(0)}/s, ${r.perCpuSecond.toFixed(0)}/CPU-s`);
    }
    window.toMs = performance.now() - spawnedAt;
    // The profile is written when node exits normally: SIGTERM is serve's clean shutdown.
    await stop(p.process, 20_000);
    const files = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(profileDir, f));
    if (files.length === 0) throw new Error(`no CPU profile was written in ${profileDir}`);
    const summary = summarise(files, window);
    console.log('');
    console.log(formatSummary(`Portcullis edge under ${load} load`, summary));
    writeFileSync(join(dir, `profile-${load}.json`), JSON.stringify(summary, null, 2));
  }
  log(`profiles kept in ${dir}`);
}
