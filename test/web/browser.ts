/**
 * The browser tests' harness: a real `portcullis serve` with the demo zone and the built
 * dashboard, and Debian's Chromium driven by playwright-core, headless, with a fresh profile
 * and nothing that reaches outside the machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { edgePortOf, startServe, type ServeProcess } from '../helpers/serve-process.ts';

/** Debian's Chromium, which `scripts/ensure-deps.sh` installs. */
export const CHROMIUM = '/usr/bin/chromium';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Where screenshots go; CI keeps the folder as a test artifact. */
export const SCREENS_DIR = join(ROOT, 'test-artifacts', 'screens');

// Headless with a throwaway profile; no GPU, no QUIC, and none of the background requests
// (updates, sync, component downloads) that a first start would send off the machine.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Why the browser tests cannot run here, or undefined when they can. Only a machine that
 * cannot install Chromium (not root, or no apt-get) skips them: where `ensure-deps.sh` could
 * have installed it, a missing Chromium is a failure, so that CI never passes without them.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why =
    process.getuid?.() !== 0
      ? 'not root'
      : spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0
        ? 'no apt-get'
        : undefined;
  if (!why) return undefined;
  return `${CHROMIUM} is missing and scripts/ensure-deps.sh cannot install it here (${why})`;
}

/** Builds the dashboard into web/dist when it is missing or older than its sources. */
async function buildDashboard(): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--if-stale'], {
    cwd: ROOT,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`building the dashboard failed (exit ${code}):\n${output}`);
}

/** A running Portcullis with its demo zone, and a browser page signed out at its dashboard. */
export interface DashboardRun {
  serve: ServeProcess;
  dataDir: string;
  /** The dashboard's address, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  token: string;
  /** The demo zone `example.com`. */
  zoneId: string;
  edgePort: number;
  /** The trust anchor of the edge's server certificates. */
  edgeCa: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the page threw, which a test expects to stay empty. */
  pageErrors: string[];
  /** Calls `/client/v4` with the admin token and returns the envelope's result. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Saves a screenshot of the page as `test-artifacts/screens/<name>.png`. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts Portcullis in a scratch data directory (ports chosen by the system, one edge worker,
 * the demo zone example.com with its mTLS host api.example.com and demo certificate) and a
 * browser on its dashboard. Close it in `after`.
 */
export async function openDashboard(): Promise<DashboardRun> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-deps.sh (npm test runs it)`);
  }
  await buildDashboard();

  const scratch = mkdtempSync(join(tmpdir(), 'portcullis-web-'));
  const dataDir = join(scratch, 'data');
  const serve = await startServe(['--data-dir', dataDir], { PORTCULLIS_EDGE_WORKERS: '1' });
  const cleanups: (() => Promise<unknown> | void)[] = [
    () => rmSync(scratch, { recursive: true, force: true }),
    () => serve.stop(),
  ];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };

  try {
    const token = serve.token;
    if (!token) throw new Error(`no admin token in the banner:\n${serve.stdout()}`);
    const api = apiCaller(serve.apiUrl, token);
    const zones = await api<{ id: string }[]>('GET', '/zones?name=example.com');
    const zoneId = zones[0]?.id;
    if (!zoneId) throw new Error('the demo zone example.com is missing');

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));

    // Screenshots of an earlier run, a failed step's above all, would mislead.
    rmSync(SCREENS_DIR, { recursive: true, force: true });
    mkdirSync(SCREENS_DIR, { recursive: true });
    return {
      serve,
      dataDir,
      url: `${serve.apiUrl}/`,
      token,
      zoneId,
      edgePort: edgePortOf(serve),
      edgeCa: readFileSync(join(dataDir, 'edge-ca.pem'), 'utf8'),
      browser,
      context,
      page,
      pageErrors,
      api,
      screenshot: async (name) => {
        const path = join(SCREENS_DIR, `${name}.png`);
        await page.screenshot({ path, fullPage: true, animations: 'disabled' });
        return path;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

interface Envelope<T> {
  success: boolean;
  errors: { code: number; message: string }[];
  result: T;
}

function apiCaller(apiUrl: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${apiUrl}/client/v4${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const envelope = (await res.json()) as Envelope<T>;
    if (!envelope.success) {
      const errors = envelope.errors.map((e) => `${e.message} (${e.code})`).join('; ');
      throw new Error(`${method} ${path}: ${res.status} ${errors}`);
    }
    return envelope.result;
  };
}
