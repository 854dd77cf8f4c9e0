import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

const BIN = new URL('../../bin/portcullis.mjs', import.meta.url).pathname;

export interface ServeProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The API base URL the banner printed, e.g. `http://127.0.0.1:41234`. */
  apiUrl: string;
  /** The admin token, when the banner printed one. */
  token: string | undefined;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

const baseEnv = (env: NodeJS.ProcessEnv) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PORTCULLIS_API_LISTEN: '127.0.0.1:0',
  PORTCULLIS_EDGE_LISTEN: '127.0.0.1:0',
  PORTCULLIS_EDGE_WORKERS: '1',
  ...env,
});

/**
 * Runs `portcullis serve` until it prints its banner: the admin token line, or `ready` for
 * roles whose banner has none.
 */
export async function startServe(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready = /Admin token/,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: baseEnv(env) });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start:\n${out}\n${err}`)),
      20_000,
    );
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}\n${err}`));
    });
  });
  const apiUrl =
    /API\s+(http:\/\/\S+?)\/client\/v4/.exec(out)?.[1] ??
    /Status\s+(http:\/\/\S+?)\/healthz/.exec(out)?.[1];
  if (!apiUrl) throw new Error(`no API URL in banner:\n${out}`);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    apiUrl,
    token: /Admin token \(shown once; keep it safe\): (\S+)/.exec(out)?.[1],
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs `portcullis serve` expecting it to stop by itself (a failed start). */
export async function runServe(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: baseEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** The edge port the banner printed. */
export function edgePortOf(p: ServeProcess): number {
  return Number(/Edge\s+https:\/\/[^\s]+?:(\d+)/.exec(p.stdout())?.[1]);
}

/** The demo's trust anchor and client identity, as `serve` wrote them in `dataDir`. */
export function demoFiles(dataDir: string) {
  const read = (...path: string[]) => readFileSync(join(dataDir, ...path), 'utf8');
  return {
    ca: read('edge-ca.pem'),
    identity: { cert: read('demo', 'client.pem'), key: read('demo', 'client.key') },
  };
}

/** One GET to the demo host through the edge, on a new connection. */
export function demoGet(
  port: number,
  ca: string,
  path: string,
  identity?: { cert: string; key: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: 'api.example.com',
        headers: { host: 'api.example.com' },
        ca,
        agent: false,
        ...identity,
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
