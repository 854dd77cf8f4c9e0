export * from './types.ts';
export * from './store.ts';
export * from './errors.ts';
export { ChangeFeed } from './change-feed.ts';
export type { Migration } from './migration.ts';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { PostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.ts';
export { newId, newUuid, nowIso } from './ids.ts';
export { openInBackground, type BackgroundStore } from './background-store.ts';
