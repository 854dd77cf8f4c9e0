/**
 * A PostgreSQL server of a test's own, which the test may stop and start again: the same
 * throwaway server the test script provides when no PostgreSQL is reachable.
 */
export {
  startTemporaryPostgres as startPostgres,
  type TemporaryPostgres as PostgresServer,
} from '../../scripts/test-postgres.mjs';
