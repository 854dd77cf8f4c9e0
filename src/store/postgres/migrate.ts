import type pg from 'pg';
import { StoreError, StoreErrorCode } from '../errors.ts';
import { checkMigrations, type Migration } from '../migration.ts';
import { connect } from './connection.ts';
import { translate } from './statements.ts';

/** First key of the advisory lock that guards migrations: "port" in ASCII. */
const MIGRATION_LOCK = 0x706f7274;

/** The schema version of the database: the last migration applied, 0 for an empty one. */
export async function schemaVersion(db: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await db.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  if (!rows[0]?.present) return 0;
  const max = await db.query<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM schema_migrations',
  );
  return max.rows[0]?.v ?? 0;
}

/**
 * Checks, without changing anything, that the schema is the one `migrations` make. A newer
 * one is refused for good (`SchemaNewer`); an older or missing one is reported as not
 * reachable yet (`Unavailable`), since the control plane that migrates it may simply not have
 * run yet.
 */
export async function expectSchema(
  pool: pg.Pool,
  schema: string | undefined,
  migrations: readonly Migration[],
): Promise<void> {
  const known = checkMigrations(migrations);
  let current: number;
  try {
    current = await schemaVersion(pool);
  } catch (err) {
    throw translate(`reading the schema version of ${schema ?? '(default)'}`, err);
  }
  if (current > known) {
    throw new StoreError(
      StoreErrorCode.SchemaNewer,
      `database schema ${schema ?? '(default)'} has version ${current}, newer than this ` +
        `Portcullis knows (${known}): run a newer Portcullis or use another schema`,
    );
  }
  if (current < known) {
    throw new StoreError(
      StoreErrorCode.Unavailable,
      `database schema ${schema ?? '(default)'} has version ${current}, older than this ` +
        `Portcullis needs (${known}): start the control plane of this version first, ` +
        'which brings the schema up to date',
    );
  }
}

/**
 * Creates the schema if needed and applies pending migrations, each in its own transaction
 * with its record. Several processes starting together take turns through an advisory lock
 * keyed by the schema, so each step runs once and the others find it done.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string | undefined,
  migrations: readonly Migration[],
): Promise<void> {
  const known = checkMigrations(migrations);
  const client = await connect(pool, 'migrating the database');
  let locked = false;
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK, schema ?? '']);
    locked = true;
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const current = await schemaVersion(client);
    if (current > known) {
      throw new StoreError(
        StoreErrorCode.SchemaNewer,
        `database schema ${schema ?? '(default)'} has version ${current}, newer than this ` +
          `Portcullis knows (${known}): run a newer Portcullis or use another schema`,
      );
    }
    if (current === known) return;
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_on text NOT NULL)`);
    for (const m of migrations.slice(current)) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_on) VALUES ($1, $2, $3)',
          [m.version, m.name, new Date().toISOString()],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }
  } catch (err) {
    throw translate(`migrating schema ${schema ?? '(default)'}`, err);
  } finally {
    if (locked) {
      await client
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK, schema ?? ''])
        .catch(() => undefined);
    }
    client.release();
  }
}
