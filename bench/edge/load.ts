/**
 * Load generators of the edge benchmark, all presenting the demo client certificate through
 * the LD_PRELOAD shim: wrk for keep-alive requests (at full speed, or paced for latency) and
 * parallel `openssl s_time -new` for full handshakes. Each measurement reads the proxy's CPU
 * time before and after from /proc, since the load generator shares the machine's cores.
 */
import { join } from 'node:path';
import { run, treeCpuSeconds } from './processes.ts';

/** What the load generators need to reach a proxy as the demo client. */
export interface Target {
  /** Name in tables: `portcullis` or `nginx`. */
  name: string;
  port: number;
  /** Pid whose process tree is the proxy (nginx master, or the serve process). */
  pid: number;
}

export interface ClientIdentity {
  shim: string;
  certPath: string;
  keyPath: string;
  sni: string;
}

export interface KeepAliveResult {
  requests: number;
  seconds: number;
  rps: number;
  cpuSeconds: number;
  /** Requests per second of proxy CPU time. */
  rpsPerCpu: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export interface HandshakeResult {
  handshakes: number;
  seconds: number;
  perSecond: number;
  cpuSeconds: number;
  /** Full handshakes per second of proxy CPU time. */
  perCpuSecond: number;
}

interface WrkJson {
  requests: number;
  duration_us: number;
  connect_errors: number;
  read_errors: number;
  write_errors: number;
  status_errors: number;
  timeouts: number;
  p50_us: number;
  p99_us: number;
}

function clientEnv(id: ClientIdentity, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LD_PRELOAD: id.shim,
    BENCH_CLIENT_CERT: id.certPath,
    BENCH_CLIENT_KEY: id.keyPath,
    BENCH_SNI: id.sni,
    ...extra,
  };
}

export interface WrkOptions {
  seconds: number;
  connections: number;
  threads: number;
  /** Mean pause between a response and the next request on a connection; 0 for none. */
  meanDelayMs?: number;
  /**
   * Count requests at the origin instead of in wrk, over `seconds` after `skipSeconds`, so
   * that the handshakes of wrk's connections and the warm-up stay out of the figures.
   */
  originWindow?: { statusUrl: string; skipSeconds: number };
}

/** Requests the origin has answered so far, from nginx's stub_status. */
export async function originRequests(statusUrl: string): Promise<number> {
  const text = await (await fetch(statusUrl)).text();
  // "Active connections: 3\nserver accepts handled requests\n 10 10 5000\n..."
  const m = /\n\s*(\d+)\s+(\d+)\s+(\d+)\s*\n/.exec(text);
  if (!m) throw new Error(`reading ${statusUrl}: unexpected answer ${text}`);
  return Number(m[3]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs wrk against the target over keep-alive connections and measures the proxy's CPU. */
export async function keepAlive(
  t: Target,
  id: ClientIdentity,
  scriptDir: string,
  o: WrkOptions,
): Promise<KeepAliveResult> {
  const window = o.originWindow;
  // wrk runs a little past the window so that the window ends inside the run.
  const wrkSeconds = window ? window.skipSeconds + o.seconds + 1 : o.seconds;
  const args = [
    `-t${o.threads}`,
    `-c${o.connections}`,
    `-d${wrkSeconds}s`,
    '--timeout',
    '5s',
    '-s',
    join(scriptDir, 'wrk.lua'),
    `https://127.0.0.1:${t.port}/`,
  ];
  const env = clientEnv(id, { BENCH_WRK_DELAY_MS: String(o.meanDelayMs ?? 0) });
  const cpuBefore = treeCpuSeconds(t.pid);
  const wrk = run('wrk', args, { env, timeoutMs: (wrkSeconds + 30) * 1000 });
  let counted: { requests: number; seconds: number; cpuSeconds: number } | undefined;
  if (window) {
    await sleep(window.skipSeconds * 1000);
    const fromCpu = treeCpuSeconds(t.pid);
    const from = { at: performance.now(), n: await originRequests(window.statusUrl) };
    await sleep(o.seconds * 1000);
    const n = await originRequests(window.statusUrl);
    counted = {
      requests: n - from.n,
      seconds: (performance.now() - from.at) / 1000,
      cpuSeconds: treeCpuSeconds(t.pid) - fromCpu,
    };
  }
  const out = await wrk;
  const cpuSeconds = counted?.cpuSeconds ?? treeCpuSeconds(t.pid) - cpuBefore;
  const line = out.stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (!line) throw new Error(`wrk against ${t.name} printed no result:\n${out.stdout}`);
  const w = JSON.parse(line.slice('WRK_JSON '.length)) as WrkJson;
  const requests = counted?.requests ?? w.requests;
  const seconds = counted?.seconds ?? w.duration_us / 1e6;
  const errors = w.connect_errors + w.read_errors + w.write_errors + w.status_errors + w.timeouts;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    cpuSeconds,
    rpsPerCpu: cpuSeconds > 0 ? requests / cpuSeconds : 0,
    errors,
    p50Ms: w.p50_us / 1000,
    p99Ms: w.p99_us / 1000,
  };
}

/**
 * Keep-alive load paced to about `rate` requests per second: a short pilot run measures how
 * much each request cycle adds to the pause (latency and scheduling), and the measured run
 * subtracts it, so that the offered load is near the target on a busy machine too.
 */
export async function pacedKeepAlive(
  t: Target,
  id: ClientIdentity,
  scriptDir: string,
  rate: number,
  o: Omit<WrkOptions, 'meanDelayMs'>,
): Promise<KeepAliveResult & { targetRps: number }> {
  const wanted = (o.connections * 1000) / rate; // ms per request cycle on each connection
  const pilot = await keepAlive(t, id, scriptDir, { ...o, seconds: 2, meanDelayMs: wanted });
  const cycle = (o.connections * 1000) / Math.max(pilot.rps, 1);
  const added = Math.max(cycle - wanted, 0);
  const meanDelayMs = Math.max(wanted - added, 0.5);
  const result = await keepAlive(t, id, scriptDir, { ...o, meanDelayMs });
  return { ...result, targetRps: rate };
}

/**
 * Full TLS handshakes with the client certificate: `parallel` instances of `openssl s_time
 * -new` (a new session each time, never resumed), for `seconds`.
 */
export async function handshakes(
  t: Target,
  id: ClientIdentity,
  seconds: number,
  parallel: number,
): Promise<HandshakeResult> {
  const args = ['s_time', '-connect', `127.0.0.1:${t.port}`, '-new', '-time', String(seconds)];
  const env = clientEnv(id);
  const cpuBefore = treeCpuSeconds(t.pid);
  const started = performance.now();
  const outs = await Promise.all(
    Array.from({ length: parallel }, () =>
      run('openssl', args, { env, timeoutMs: (seconds + 30) * 1000 }),
    ),
  );
  const wall = (performance.now() - started) / 1000;
  const cpuSeconds = treeCpuSeconds(t.pid) - cpuBefore;
  let total = 0;
  for (const out of outs) {
    // "405 connections in 4 real seconds, ..." (the first summary line is in user seconds)
    const m = /(\d+) connections in \d+ real seconds/.exec(out.stdout);
    if (!m) throw new Error(`openssl s_time against ${t.name} printed no count:\n${out.stdout}`);
    total += Number(m[1]);
  }
  return {
    handshakes: total,
    seconds: wall,
    perSecond: total / wall,
    cpuSeconds,
    perCpuSecond: cpuSeconds > 0 ? total / cpuSeconds : 0,
  };
}
