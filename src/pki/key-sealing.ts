/**
 * Sealing private keys at rest with AES-256-GCM under a master key (NIST SP 800-38D). The
 * store keeps only sealed blobs; the master key comes from the environment or a key file and
 * is handed in by the caller.
 *
 * Blob layout, version 1:
 *
 *     "PCSK" | 0x01 | nonce (12 octets) | ciphertext | tag (16 octets)
 *
 * The five header octets are authenticated as additional data, so a blob cannot be passed
 * off as another version. A fresh random nonce per seal keeps GCM safe for far more keys than
 * a deployment will ever seal under one master key (SP 800-38D §8.3: 2^32 invocations).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PkiError } from './errors.ts';

/** Length of the master key: 32 octets for AES-256. */
export const MASTER_KEY_BYTES = 32;

const MAGIC = Buffer.from('PCSK', 'latin1');
const VERSION_1 = 0x01;
const HEADER_BYTES = MAGIC.length + 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals a PKCS#8 private key.
 *
 * @param pkcs8 - the private key, PKCS#8 DER (see `exportPrivateKeyDer`).
 * @param masterKey - 32 octets.
 * @returns the sealed blob, version 1.
 * @throws PkiError `PORTCULLIS_ERR_PKI_MASTER_KEY` when the master key is not 32 octets.
 */
export function sealPrivateKey(pkcs8: Uint8Array, masterKey: Uint8Array): Uint8Array {
  checkMasterKey(masterKey);
  const header = Buffer.concat([MAGIC, Buffer.of(VERSION_1)]);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return new Uint8Array(Buffer.concat([header, nonce, body, cipher.getAuthTag()]));
}

/**
 * Opens a blob made by {@link sealPrivateKey}.
 *
 * @returns the PKCS#8 DER of the private key.
 * @throws PkiError `PORTCULLIS_ERR_PKI_MASTER_KEY` for a master key of the wrong length,
 *   `PORTCULLIS_ERR_PKI_SEALED_KEY_FORMAT` for a blob that is not a sealed key of a known
 *   version, `PORTCULLIS_ERR_PKI_SEALED_KEY_AUTH` for a wrong master key or altered data.
 */
export function openPrivateKey(sealed: Uint8Array, masterKey: Uint8Array): Uint8Array {
  checkMasterKey(masterKey);
  const blob = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (blob.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES || !blob.subarray(0, 4).equals(MAGIC)) {
    throw new PkiError('PORTCULLIS_ERR_PKI_SEALED_KEY_FORMAT', {
      cause: 'the data is not a sealed Portcullis key',
    });
  }
  const version = blob[MAGIC.length];
  if (version !== VERSION_1) {
    throw new PkiError('PORTCULLIS_ERR_PKI_SEALED_KEY_FORMAT', {
      cause: `unknown format version ${version}`,
    });
  }
  const nonce = blob.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const body = blob.subarray(HEADER_BYTES + NONCE_BYTES, blob.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(blob.subarray(0, HEADER_BYTES));
  decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    // The cause from OpenSSL says nothing useful and is dropped, so that no buffer contents
    // can ever travel with the error.
    throw new PkiError('PORTCULLIS_ERR_PKI_SEALED_KEY_AUTH');
  }
}

function checkMasterKey(masterKey: Uint8Array): void {
  if (!(masterKey instanceof Uint8Array) || masterKey.length !== MASTER_KEY_BYTES) {
    const got = masterKey instanceof Uint8Array ? `${masterKey.length} bytes` : typeof masterKey;
    throw new PkiError('PORTCULLIS_ERR_PKI_MASTER_KEY', { got });
  }
}
