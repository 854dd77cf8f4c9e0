import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { ConfigurationData } from './builder.ts';

/** What the file starts with, so that a file of another format is never mistaken for one. */
const FORMAT = 'portcullis-edge-configuration/1';

/** A local copy that cannot be read: missing, damaged or of another format. */
export class LocalCopyError extends Error {
  override name = 'LocalCopyError';
}

/**
 * Saves the configuration an edge serves to `path`, so that a restarted edge can serve it
 * while the store is unreachable. The file is written beside its final name and renamed over
 * it after an fsync: a crash leaves the previous copy or the new one, never half of either.
 * Private keys in it stay sealed under the master key, as they are in the store; the file is
 * still readable by its owner only.
 */
export async function saveLocalCopy(path: string, data: ConfigurationData): Promise<void> {
  const text = JSON.stringify({ format: FORMAT, savedAt: new Date().toISOString(), data }, bytes);
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (err) {
    await unlink(temporary).catch(() => {});
    throw err;
  }
}

/** Reads a copy saved by {@link saveLocalCopy}, with the time it was saved. */
export async function loadLocalCopy(
  path: string,
): Promise<{ data: ConfigurationData; savedAt: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LocalCopyError(
      code === 'ENOENT' ? `no local copy at ${path}` : `cannot read ${path}: ${code}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, unbytes);
  } catch {
    throw new LocalCopyError(`${path} is damaged: it is not JSON`);
  }
  const file = parsed as { format?: unknown; savedAt?: unknown; data?: ConfigurationData };
  if (file.format !== FORMAT || typeof file.data?.version !== 'number') {
    throw new LocalCopyError(`${path} is not a Portcullis edge configuration (${FORMAT})`);
  }
  return { data: file.data, savedAt: String(file.savedAt) };
}

// Sealed keys are bytes; JSON carries them as base64 in a tagged object. The holder's own
// property is read because a Buffer has already been through its toJSON by then.
function bytes(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array ? { $bytes: Buffer.from(raw).toString('base64') } : value;
}

function unbytes(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$bytes' in value) {
    const encoded = (value as { $bytes: unknown }).$bytes;
    if (typeof encoded === 'string') return new Uint8Array(Buffer.from(encoded, 'base64'));
  }
  return value;
}
