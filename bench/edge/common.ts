/**
 * What the parts of the edge benchmark share: where it lives, its settings from the
 * environment, its log line, free ports and the origin both proxies forward to.
 */
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate, startNginx } from './nginx.ts';
import type { Started } from './processes.ts';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');

export const settings = {
  workers: intFromEnv('BENCH_WORKERS', 1),
  rounds: intFromEnv('BENCH_ROUNDS', 3),
  seconds: intFromEnv('BENCH_SECONDS', 5),
  warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 8),
  connections: intFromEnv('BENCH_CONNECTIONS', 50),
  /**
   * Connections of the paced latency run: few, so that their handshakes at its start (which
   * wrk counts in its latencies) are a small part of the run.
   */
  latencyConnections: intFromEnv('BENCH_LATENCY_CONNECTIONS', 16),
  /** wrk threads: one per core, as the load generator shares the machine. */
  threads: Math.min(cpus().length, 4),
};

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: expected a positive integer`);
  return n;
}

export const log = (line: string) => console.log(`[bench:edge] ${line}`);

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** The origin both proxies forward to, with its request counter on `statusPort`. */
export function startOrigin(dir: string, port: number, statusPort: number): Promise<Started> {
  const config = renderTemplate(join(HERE, 'nginx-origin.conf'), {
    DIR: dir,
    ORIGIN_PORT: String(port),
    STATUS_PORT: String(statusPort),
  });
  return startNginx('origin', dir, config, port);
}
