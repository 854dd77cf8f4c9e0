// Finds the PostgreSQL the tests use, or provides one. The tests read
// PORTCULLIS_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). When that
// server does not answer, a throwaway one is started: Debian's `postgresql` package is
// installed if `initdb` is missing, a cluster is created in a temporary directory and started
// on a free loopback port, and both are removed when the tests end.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Where Debian installs the server binaries, one directory per major version. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/**
 * Resolves with the URL to export to the tests and a `stop` that removes what was started
 * (nothing when an existing server is used). Prints one line saying which PostgreSQL it is.
 */
export async function providePostgres() {
  const explicit = process.env.PORTCULLIS_TEST_DATABASE_URL;
  const url = explicit ?? DEFAULT_TEST_DATABASE_URL;
  const problem = await reach(url);
  if (!problem) {
    console.log(`PostgreSQL for tests: ${redact(url)}${explicit ? '' : ' (the default)'}`);
    return { url, stop: () => {} };
  }
  const server = await startTemporaryPostgres();
  const why = explicit ? 'PORTCULLIS_TEST_DATABASE_URL' : 'the default';
  console.log(
    `PostgreSQL for tests: ${why} ${redact(url)} is unreachable (${problem}); ` +
      `started PostgreSQL ${server.version} on 127.0.0.1:${server.port} in ${server.dir}, ` +
      'removed after the tests',
  );
  return { url: server.url, stop: server.destroy };
}

/** Connects once; resolves with why it failed, or undefined when the server answered. */
async function reach(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err.message || err.code || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

function redact(url) {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** The newest `bin` directory of Debian's PostgreSQL, installing the package if needed. */
function findBinaries() {
  const find = () =>
    existsSync(DEBIAN_ROOT)
      ? readdirSync(DEBIAN_ROOT)
          .filter((v) => existsSync(join(DEBIAN_ROOT, v, 'bin', 'initdb')))
          .sort((a, b) => Number(b) - Number(a))
      : [];
  let versions = find();
  if (versions.length === 0) {
    console.log('PostgreSQL for tests: initdb is missing; installing Debian package postgresql');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
    if (!run(['install', '-y', '-q', 'postgresql'])) {
      if (!run(['update', '-q']) || !run(['install', '-y', '-q', 'postgresql'])) {
        throw new Error(
          'installing postgresql with apt-get failed; install PostgreSQL or set ' +
            'PORTCULLIS_TEST_DATABASE_URL to a server the tests may use',
        );
      }
    }
    versions = find();
    if (versions.length === 0) throw new Error(`no initdb under ${DEBIAN_ROOT} after installing`);
  }
  return { version: versions[0], bin: join(DEBIAN_ROOT, versions[0], 'bin') };
}

/** A port that was free a moment ago on the loopback address. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates a PostgreSQL cluster in a temporary directory and starts it on a free loopback port,
 * with a database `test`. `stop` and `start` take the server away and bring it back (tests of
 * an unreachable database use them); `destroy` stops it and removes the directory.
 */
export async function startTemporaryPostgres() {
  const { version, bin } = findBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-pg-'));
  const data = join(dir, 'data');
  // initdb and postgres refuse to run as root: run them as Debian's postgres user instead.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const run = (command, args) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${command} failed: ${result.stderr || result.stdout || result.error}`);
    }
  };
  const port = await freePort();
  // Durability is of no use to a database that is deleted after the run.
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ];
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-o',
      settings.join(' '),
      '-w',
      'start',
    ]);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  const destroy = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Not running.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    start();
    const admin = new pg.Client({
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    });
    await admin.connect();
    await admin.query('CREATE DATABASE test');
    await admin.end();
    const url = `postgres://postgres@127.0.0.1:${port}/test`;
    return { version, port, dir, url, start, stop, destroy };
  } catch (err) {
    destroy();
    throw err;
  }
}

function postgresUser() {
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout);
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new Error("running as root needs the postgres user that Debian's package creates");
  }
  return { uid, gid: id('-g') };
}
