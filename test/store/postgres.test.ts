import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { PostgresStore, type PostgresStoreOptions, type Store } from '../../src/store/index.ts';
import { postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { storeContract } from './contract.ts';
import { postgresContract } from './postgres-specific.ts';

/** The PostgreSQL the tests use; `scripts/test.mjs` provides one when none is reachable. */
const url = process.env.PORTCULLIS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const admin = new pg.Pool({ connectionString: url, max: 2 });
const schemas = new Set<string>();
const schemaOf = new WeakMap<Store, string>();

async function open(schema: string, extra: Partial<PostgresStoreOptions> = {}): Promise<Store> {
  schemas.add(schema);
  const store = await PostgresStore.open({ connectionString: url, schema, poolSize: 4, ...extra });
  schemaOf.set(store, schema);
  return store;
}

const freshSchema = () => `t_${randomBytes(6).toString('hex')}`;

after(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

storeContract('postgres', {
  latestSchema: postgresMigrations.length,
  create: () => open(freshSchema()),
  reopen: async (store) => {
    await store.close();
    return open(schemaOf.get(store)!);
  },
  openNewerThanCode: async (store) => {
    await store.close();
    const schema = schemaOf.get(store)!;
    await admin.query(
      `INSERT INTO ${schema}.schema_migrations (version, name, applied_on) VALUES ($1, $2, $3)`,
      [postgresMigrations.length + 1, 'from the future', new Date().toISOString()],
    );
    return open(schema);
  },
  openSecond: (store) => open(schemaOf.get(store)!),
});

postgresContract({ url, admin, open, freshSchema });
