import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { bootstrap } from '../../src/api/bootstrap.ts';
import { buildApiServer } from '../../src/api/server.ts';
import { SqliteStore, type Store } from '../../src/store/index.ts';

export interface TestApi {
  app: FastifyInstance;
  store: Store;
  /** The admin token's secret. */
  token: string;
  accountId: string;
  close(): Promise<void>;
}

/** A control plane on an in-memory store with an admin token; routes may be added before use. */
export async function startTestApi(): Promise<TestApi> {
  const store = SqliteStore.open({ path: ':memory:' });
  const boot = await bootstrap(store);
  const app = buildApiServer({
    store,
    logger: pino({ level: 'silent' }),
    version: '0.0.0-test',
    masterKey: new Uint8Array(randomBytes(32)),
  });
  return {
    app,
    store,
    token: boot.adminSecret!,
    accountId: boot.account.id,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** Listens on an ephemeral loopback port and returns the API's base URL. */
export async function listenForTest(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('not listening');
  return `http://127.0.0.1:${address.port}/client/v4`;
}
