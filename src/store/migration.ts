/** One step of a store's schema; versions start at 1 and have no gaps. */
export interface Migration {
  version: number;
  name: string;
  /** SQL run in one transaction with the record of the step. */
  sql: string;
}

/** Checks a migration list for gaps and duplicates; a programming error if it fails. */
export function checkMigrations(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
    }
  });
  return migrations.length;
}
