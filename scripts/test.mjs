#!/usr/bin/env node
// Runs every test file under test/ with node's own test runner through tsx, then prints the
// plain closing line "N passed, N failed". Arguments narrow the run to matching paths:
//   npm test -- test/store
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { providePostgres } from './test-postgres.mjs';

const root = new URL('..', import.meta.url).pathname;

// A fresh machine gets what the tests need beyond npm packages (openssl, Chromium) first; the
// script prints nothing when everything is there.
const deps = spawnSync('bash', [join(root, 'scripts', 'ensure-deps.sh')], { stdio: 'inherit' });
if (deps.status !== 0) process.exit(deps.status ?? 1);

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

const filters = process.argv.slice(2);
const files = findTests(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

// The PostgreSQL tests use the server named by PORTCULLIS_TEST_DATABASE_URL, or one started
// here for the run when that one does not answer.
const postgres = await providePostgres();
let stopped = false;
const stopPostgres = () => {
  if (stopped) return;
  stopped = true;
  postgres.stop();
};

const concurrency = process.env.PORTCULLIS_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/test-summary.mjs',
    '--test-reporter-destination=stderr',
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORTCULLIS_TEST_DATABASE_URL: postgres.url },
  },
);
// On Ctrl-C the tests get the signal too; either way the server is stopped once they exit.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  stopPostgres();
  process.exit(code ?? (signal ? 1 : 0));
});
