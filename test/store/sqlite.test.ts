import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type Store } from '../../src/store/index.ts';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
import { storeContract } from './contract.ts';

const paths = new WeakMap<Store, string>();

function open(path: string): Store {
  const store = SqliteStore.open({ path });
  paths.set(store, path);
  return store;
}

storeContract('sqlite', {
  latestSchema: sqliteMigrations.length,
  create: async () => open(join(mkdtempSync(join(tmpdir(), 'portcullis-store-')), 'db.sqlite')),
  reopen: async (store) => {
    await store.close();
    return open(paths.get(store)!);
  },
  openSecond: async (store) => open(paths.get(store)!),
  openNewerThanCode: async (store) => {
    await store.close();
    const path = paths.get(store)!;
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_on) VALUES (?, ?, ?)').run(
      sqliteMigrations.length + 1,
      'from the future',
      new Date().toISOString(),
    );
    db.close();
    return open(path);
  },
});
