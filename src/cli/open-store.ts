import { join } from 'node:path';
import type { Logger } from 'pino';
import { PostgresStore, SqliteStore, type Store } from '../store/index.ts';
import type { ServeSettings } from './settings.ts';

/** File name of the embedded database inside the data directory. */
export const DATABASE_FILE = 'portcullis.db';

/**
 * Opens the store the settings name: PostgreSQL when `PORTCULLIS_DATABASE_URL` is set, else
 * the embedded SQLite database in the data directory. An edge of its own (`--role edge`)
 * leaves PostgreSQL's schema to the control plane: it never migrates it.
 */
export async function openStore(settings: ServeSettings, logger?: Logger): Promise<Store> {
  const onListenerError = (err: unknown) => logger?.error({ err }, 'change subscriber failed');
  if (settings.databaseUrl === undefined) {
    return SqliteStore.open({ path: join(settings.dataDir, DATABASE_FILE), onListenerError });
  }
  return PostgresStore.open({
    connectionString: settings.databaseUrl,
    pollIntervalMs: settings.pollIntervalMs,
    onListenerError,
    migrate: settings.role !== 'edge',
  });
}

/** Where the store lives, for the banner and logs: never the password of a database URL. */
export function describeStore(settings: ServeSettings): string {
  if (settings.databaseUrl === undefined) return `${settings.dataDir} (SQLite)`;
  const url = new URL(settings.databaseUrl);
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${url.protocol}//${user}${url.host}${url.pathname} (PostgreSQL)`;
}
