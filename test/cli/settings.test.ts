import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSettings, SettingsError, type ServeFlags } from '../../src/cli/settings.ts';

const TOKEN = 'x'.repeat(24);

describe('serve settings', () => {
  test('defaults when nothing is set', () => {
    const s = readSettings({}, {});
    assert.equal(s.apiListen.host, '127.0.0.1');
    assert.equal(s.apiListen.port, 8080);
    assert.deepEqual(s.edgeListen, { host: '127.0.0.1', port: 8443 });
    assert.match(s.dataDir, /\/data$/);
    assert.equal(s.role, 'all');
    assert.equal(s.logFormat, 'json');
    assert.equal(s.demo, true);
    assert.equal(s.adminToken, undefined);
    assert.equal(s.databaseUrl, undefined);
    assert.ok(s.edgeWorkers >= 1, 'one edge worker per core');
  });

  test('reads the environment and lets flags win over it', () => {
    const env = {
      PORTCULLIS_DATA_DIR: '/var/lib/portcullis',
      PORTCULLIS_API_LISTEN: '[::1]:9000',
      PORTCULLIS_EDGE_LISTEN: 'localhost:9443',
      PORTCULLIS_ADMIN_TOKEN: TOKEN,
      PORTCULLIS_DATABASE_URL: 'postgres://pc@db:5432/pc',
      PORTCULLIS_ROLE: 'edge',
    };
    const s = readSettings({}, env);
    assert.equal(s.dataDir, '/var/lib/portcullis');
    assert.deepEqual(s.apiListen, { host: '::1', port: 9000 });
    assert.deepEqual(s.edgeListen, { host: 'localhost', port: 9443 });
    assert.equal(s.adminToken, TOKEN);
    assert.equal(s.databaseUrl, 'postgres://pc@db:5432/pc');
    assert.equal(s.role, 'edge');
    const flagged = readSettings({ apiListen: '0.0.0.0:1234', role: 'control', demo: false }, env);
    assert.deepEqual(flagged.apiListen, { host: '0.0.0.0', port: 1234 });
    assert.equal(flagged.role, 'control');
    assert.equal(flagged.demo, false);
  });

  const bad: [string, ServeFlags, NodeJS.ProcessEnv, RegExp][] = [
    [
      'port out of range',
      {},
      { PORTCULLIS_API_LISTEN: '127.0.0.1:70000' },
      /PORTCULLIS_API_LISTEN=127\.0\.0\.1:70000: expected host:port/,
    ],
    [
      'no port',
      {},
      { PORTCULLIS_EDGE_LISTEN: '127.0.0.1' },
      /PORTCULLIS_EDGE_LISTEN=127\.0\.0\.1: expected host:port/,
    ],
    [
      'IPv6 without brackets',
      { apiListen: '::1:80' },
      {},
      /--api-listen=::1:80: expected host:port/,
    ],
    ['brackets around IPv4', { apiListen: '[1.2.3.4]:80' }, {}, /not an IPv6 address/],
    ['bad host name', { edgeListen: 'bad_host!:80' }, {}, /neither an IP address nor a host name/],
    [
      'unknown role',
      {},
      { PORTCULLIS_ROLE: 'both' },
      /PORTCULLIS_ROLE=both: expected one of all, control, edge/,
    ],
    [
      'unknown log format',
      { logFormat: 'xml' },
      {},
      /--log-format=xml: expected one of json, pretty/,
    ],
    ['short admin token', {}, { PORTCULLIS_ADMIN_TOKEN: 'short' }, /at least 20 characters/],
    ['admin token with a space', { adminToken: 'a b'.repeat(10) }, {}, /printable ASCII/],
    [
      'database url not a url',
      {},
      { PORTCULLIS_DATABASE_URL: 'db:5432' },
      /scheme db: is not supported/,
    ],
    [
      'database url of another kind',
      {},
      { PORTCULLIS_DATABASE_URL: 'mysql://x/y' },
      /scheme mysql: is not supported/,
    ],
    ['empty data dir flag', { dataDir: ' ' }, {}, /--data-dir: the data directory path is empty/],
    [
      'zero edge workers',
      {},
      { PORTCULLIS_EDGE_WORKERS: '0' },
      /PORTCULLIS_EDGE_WORKERS=0: expected a whole number from 1 to 64/,
    ],
    [
      'fractional edge workers',
      { edgeWorkers: '1.5' },
      {},
      /--edge-workers=1\.5: expected a whole number/,
    ],
    [
      'API and edge on one address',
      { apiListen: '127.0.0.1:9000', edgeListen: '127.0.0.1:9000' },
      {},
      /cannot both listen on 127\.0\.0\.1:9000/,
    ],
  ];
  for (const [name, flags, env, message] of bad) {
    test(`rejects ${name} with a message naming the setting`, () => {
      assert.throws(
        () => readSettings(flags, env),
        (err: Error) => err instanceof SettingsError && message.test(err.message),
      );
    });
  }

  test('never echoes a rejected admin token', () => {
    assert.throws(
      () => readSettings({}, { PORTCULLIS_ADMIN_TOKEN: 'secret' }),
      (err: Error) => !err.message.includes('secret'),
    );
  });
});
