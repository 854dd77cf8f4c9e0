import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASTER_KEY_BYTES } from '../pki/index.ts';
import { SettingsError } from './settings.ts';

/** File of the master key in the data directory when PORTCULLIS_MASTER_KEY is not set. */
export const MASTER_KEY_FILE = 'master.key';

/**
 * The master key that seals every CA private key at rest (AES-256-GCM). It comes from
 * `PORTCULLIS_MASTER_KEY` (64 hex characters or base64 of 32 bytes), or from `master.key` in
 * the data directory, created with mode 0600 on first start. Keep the file apart from
 * database backups: with both, the CA keys can be opened.
 */
export function loadMasterKey(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  options: { create?: boolean } = {},
): Uint8Array {
  const given = env.PORTCULLIS_MASTER_KEY;
  if (given !== undefined && given !== '') {
    return parseMasterKey(given, 'PORTCULLIS_MASTER_KEY');
  }
  const path = join(dataDir, MASTER_KEY_FILE);
  try {
    const key = parseMasterKey(readFileSync(path, 'utf8').trim(), path);
    if ((statSync(path).mode & 0o077) !== 0) {
      throw new SettingsError(
        `${path}: the master key file must not be readable by others (chmod 600)`,
      );
    }
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (options.create === false) {
    // An edge must hold the control plane's key to open uploaded server certificate keys; a
    // key of its own would only fail later, host by host.
    throw new SettingsError(
      `no master key: set PORTCULLIS_MASTER_KEY to the control plane's key, or copy its ` +
        `${MASTER_KEY_FILE} to ${path}`,
    );
  }
  const key = randomBytes(MASTER_KEY_BYTES);
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return new Uint8Array(key);
}

function parseMasterKey(text: string, where: string): Uint8Array {
  // Never echo the value: it is the key to every CA.
  const bytes = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/]{43}=$/.test(text)
      ? Buffer.from(text, 'base64')
      : undefined;
  if (bytes?.length !== MASTER_KEY_BYTES) {
    throw new SettingsError(
      `${where}: the master key must be 32 bytes, written as 64 hex characters or base64`,
    );
  }
  return new Uint8Array(bytes);
}
