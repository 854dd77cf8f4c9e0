import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataDirError, lockDataDir } from '../../src/cli/data-dir.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'portcullis-datadir-'));

test('creates the data directory and holds its lock until released', () => {
  const dir = join(scratch(), 'nested', 'data');
  const lock = lockDataDir(dir);
  assert.equal(readFileSync(join(dir, 'portcullis.pid'), 'utf8').trim(), String(process.pid));
  lock.release();
  assert.equal(existsSync(join(dir, 'portcullis.pid')), false);
});

test('refuses a directory locked by a live process', () => {
  const dir = scratch();
  // pid 1 is always alive.
  writeFileSync(join(dir, 'portcullis.pid'), '1\n');
  assert.throws(
    () => lockDataDir(dir),
    (err: Error) =>
      err instanceof DataDirError && /in use by another Portcullis \(pid 1\)/.test(err.message),
  );
});

test('takes over a lock left by a process that died', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'portcullis.pid'), '2147483646\n');
  lockDataDir(dir).release();
});

test('says when the data directory path is a file', () => {
  const file = join(scratch(), 'file');
  writeFileSync(file, '');
  assert.throws(
    () => lockDataDir(join(file, 'data')),
    (err: Error) =>
      err instanceof DataDirError &&
      err.message.includes(file) &&
      /not a directory/.test(err.message),
  );
});
