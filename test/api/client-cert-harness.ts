import { randomBytes } from 'node:crypto';
import Cloudflare from 'cloudflare';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { pino } from 'pino';
import { bootstrap } from '../../src/api/bootstrap.ts';
import { buildApiServer } from '../../src/api/server.ts';
import { generateKeyAndCsr, type GeneratedCsr } from '../../src/pki/index.ts';
import { SqliteStore, type Store, type Zone } from '../../src/store/index.ts';
import { listenForTest } from '../helpers/api.ts';

/** A control plane listening on loopback, with a zone, two hosts and the official client. */
export interface CertApi {
  app: FastifyInstance;
  store: Store;
  token: string;
  masterKey: Uint8Array;
  accountId: string;
  zone: Zone;
  /** `http://127.0.0.1:<port>/client/v4` */
  baseURL: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  client: Cloudflare;
  close(): Promise<void>;
}

export interface CertApiOptions {
  /** Stands in for the edges; default: every version is applied at once. */
  configApplied?: (version: number) => Promise<void>;
  /** Sees every route as it is registered, before the server starts. */
  onRoute?: (route: RouteOptions) => void;
}

/** Starts a control plane for the certificate routes' tests. */
export async function startCertApi(options: CertApiOptions = {}): Promise<CertApi> {
  const store = SqliteStore.open({ path: ':memory:' });
  const masterKey = new Uint8Array(randomBytes(32));
  const boot = await bootstrap(store);
  const publicUrl: { value?: string } = {};
  const app = buildApiServer({
    store,
    logger: pino({ level: 'silent' }),
    version: '0.0.0-test',
    masterKey,
    publicBaseUrl: () => publicUrl.value,
    ...(options.configApplied ? { configApplied: options.configApplied } : {}),
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  const zone = await store.transaction(async (tx) => {
    const z = await tx.createZone({ accountId: boot.account.id, name: 'example.com' });
    await tx.createHost({
      zoneId: z.id,
      hostname: 'api.example.com',
      origin: 'http://127.0.0.1:1',
    });
    await tx.createHost({
      zoneId: z.id,
      hostname: 'www.example.com',
      origin: 'http://127.0.0.1:1',
    });
    return z;
  });
  const baseURL = await listenForTest(app);
  const origin = baseURL.replace(/\/client\/v4$/, '');
  publicUrl.value = origin;
  const client = new Cloudflare({ apiToken: boot.adminSecret!, baseURL, maxRetries: 0 });
  return {
    app,
    store,
    token: boot.adminSecret!,
    masterKey,
    accountId: boot.account.id,
    zone,
    baseURL,
    origin,
    client,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** EC keys are quick; RSA keys are slow, so tests make few of those. */
export function deviceCsr(commonName: string): Promise<GeneratedCsr> {
  return generateKeyAndCsr({ commonName, organization: 'Example Inc', country: 'US' });
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise and the function that resolves it. */
export function controllable(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
