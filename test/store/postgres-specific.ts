import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type pg from 'pg';
import {
  PostgresStore,
  StoreError,
  StoreErrorCode,
  type ConfigChange,
  type PostgresStoreOptions,
  type Store,
} from '../../src/store/index.ts';
import { postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { seedZone } from './contract-support.ts';

export interface PostgresTestKit {
  url: string;
  admin: pg.Pool;
  open(schema: string, extra?: Partial<PostgresStoreOptions>): Promise<Store>;
  freshSchema(): string;
}

async function until(what: string, ms: number, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Behaviour that only the PostgreSQL store has: notifications, polling, connections. */
export function postgresContract(kit: PostgresTestKit): void {
  const listeners = async (schema: string) =>
    (
      await kit.admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
        [`${schema} listen`],
      )
    ).rows.map((r) => r.pid);

  /** A writer and a follower on one fresh schema, the follower polling every `pollMs`. */
  async function pair(pollMs: number, onListenerError?: (err: unknown) => void) {
    const schema = kit.freshSchema();
    const writer = await kit.open(schema);
    const follower = await kit.open(schema, {
      applicationName: schema,
      pollIntervalMs: pollMs,
      onListenerError,
    });
    const seen: ConfigChange[] = [];
    follower.subscribe((c) => seen.push(c));
    await until('the follower listens', 2_000, async () => (await listeners(schema)).length > 0);
    const close = async () => {
      await follower.close();
      await writer.close();
    };
    return { schema, writer, follower, seen, close };
  }

  describe('postgres store: notifications and polling', () => {
    test('a change whose notification is lost still arrives by polling', async () => {
      const { schema, writer, seen, close } = await pair(300);
      try {
        const z = await seedZone(writer);
        await until('the notified change', 1_000, () => seen.length === 1);
        // Written as another process would, but without notifying anyone.
        await kit.admin.query(`BEGIN;
          UPDATE ${schema}.config_version SET version = version + 1;
          INSERT INTO ${schema}.config_changes (version, items)
            SELECT version, '[{"type":"zone","id":"${z.id}","op":"update"}]' FROM ${schema}.config_version;
          COMMIT`);
        const started = Date.now();
        await until('the silent change', 1_000, () => seen.length === 2);
        assert.ok(Date.now() - started <= 300 + 200);
        assert.deepEqual(seen[1], {
          version: seen[0]!.version + 1,
          items: [{ type: 'zone', id: z.id, op: 'update' }],
        });
      } finally {
        await close();
      }
    });

    test('a listener that is killed reconnects, and what it missed arrives', async () => {
      const errors: unknown[] = [];
      const { schema, writer, seen, close } = await pair(500, (err) => errors.push(err));
      try {
        const [pid] = await listeners(schema);
        await kit.admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await seedZone(writer);
        await until('the change made while nobody listened', 500 + 300, () => seen.length === 1);
        await until('a new listener', 3_000, async () => {
          const now = await listeners(schema);
          return now.length > 0 && !now.includes(pid!);
        });
        assert.ok(errors.length >= 1, 'the lost connection is reported');
        const z = (await writer.listZones()).items[0]!;
        await writer.updateZone(z.id, { paused: true });
        await until('a notified change after the reconnect', 1_000, () => seen.length === 2);
        assert.deepEqual(
          seen.map((c) => c.version),
          [1, 2],
        );
      } finally {
        await close();
      }
    });

    test('a connection closed between two queries fails only its transaction', async () => {
      const schema = kit.freshSchema();
      const store = await kit.open(schema, { applicationName: schema });
      try {
        let killed!: () => void;
        const pause = new Promise<void>((resolve) => (killed = resolve));
        const running = store.transaction(async (tx) => {
          await tx.listZones();
          // PostgreSQL shuts this connection down while the transaction waits between
          // queries: the error arrives with no query to take it.
          await kit.admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE application_name = $1 AND state LIKE 'idle in transaction%'`,
            [schema],
          );
          await pause;
          return tx.listZones();
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        killed();
        await assert.rejects(running, (err: Error) => err instanceof StoreError);
        // The broken connection is not handed out again.
        assert.equal((await store.listZones()).items.length, 0);
      } finally {
        await store.close();
      }
    });

    test('a change too large to notify is read from the change log', async () => {
      const { writer, seen, close } = await pair(5_000);
      try {
        const z = await seedZone(writer);
        const rules = Array.from({ length: 200 }, (_, i) => ({
          action: 'block' as const,
          expression: `http.host eq "h${i}.example.com"`,
        }));
        await writer.replaceRules(z.id, rules);
        await until('the large change', 2_000, () => seen.length === 2);
        // One item per rule, some 16 kB in all: the notification carried only the version, and
        // the poll is too slow to have found it, so the items came from the change log.
        assert.equal(seen[1]?.items.length, 200);
      } finally {
        await close();
      }
    });
  });

  describe('postgres store: connections and migrations', () => {
    test('reports an unreachable server as unavailable', async () => {
      const started = Date.now();
      await assert.rejects(
        PostgresStore.open({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }),
        (err: { code?: string }) => err.code === StoreErrorCode.Unavailable,
      );
      assert.ok(Date.now() - started < 5_000);
    });

    test('a store that does not migrate waits for a schema brought up to date', async () => {
      const schema = kit.freshSchema();
      await assert.rejects(
        kit.open(schema, { migrate: false }),
        (err: { code?: string; message: string }) =>
          err.code === StoreErrorCode.Unavailable &&
          /has version 0, older than this Portcullis needs .*start the control plane/.test(
            err.message,
          ),
      );
      const migrated = await kit.open(schema);
      const follower = await kit.open(schema, { migrate: false });
      try {
        assert.equal(await follower.schemaVersion(), postgresMigrations.length);
      } finally {
        await follower.close();
        await migrated.close();
      }
    });

    test('stores opened together on a new schema migrate it once', async () => {
      const schema = kit.freshSchema();
      const stores = await Promise.all([1, 2, 3, 4].map(() => kit.open(schema)));
      try {
        for (const s of stores) assert.equal(await s.schemaVersion(), postgresMigrations.length);
        const { rows } = await kit.admin.query(
          `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
        );
        assert.deepEqual(
          rows.map((r: { version: number }) => r.version),
          postgresMigrations.map((m) => m.version),
        );
        await seedZone(stores[0]!);
        assert.equal((await stores[3]!.listZones()).total, 1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    test('refuses a schema name that would need quoting', async () => {
      await assert.rejects(
        PostgresStore.open({ connectionString: kit.url, schema: 'Robert"; DROP' }),
        (err: { code?: string }) => err.code === StoreErrorCode.Invalid,
      );
    });

    test('serializes configuration writers of different stores', async () => {
      const schema = kit.freshSchema();
      const [a, b] = await Promise.all([kit.open(schema), kit.open(schema)]);
      try {
        const z = await seedZone(a);
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? a : b).createRule({ zoneId: z.id, action: 'log', expression: 'ssl' }),
          ),
        );
        const rules = await a.listRules(z.id);
        assert.deepEqual(
          rules.map((r) => r.position),
          [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        );
        assert.equal(await b.configVersion(), 11);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
