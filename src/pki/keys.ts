/**
 * Key pairs: generation, PKCS#8 export and import, and the public-key policy for CSRs.
 * Keys are WebCrypto keys, extractable so that they can be sealed and bundled; storing them
 * is the caller's business (see `key-sealing.ts`).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { PkiError, describeCause } from './errors.ts';
import { PemLabel, decodePem, encodePem } from './pem.ts';
import { nodeWebCrypto, type CryptoKey, type CryptoKeyPair } from './webcrypto.ts';

/** Key algorithms Portcullis generates. */
export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-3072';

/** Every {@link KeyAlgorithm}, for validation and UIs. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'ecdsa-p256',
  'ecdsa-p384',
  'rsa-2048',
  'rsa-3072',
];

/** ECDSA P-256: small certificates, fast handshakes, imported everywhere. */
export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';

/** What a public key is, as far as the acceptance policy cares. */
export type KeyDescription =
  | { readonly type: 'ec'; readonly curve: 'P-256' | 'P-384' | string }
  | { readonly type: 'rsa'; readonly bits: number }
  | { readonly type: string };

/** The smallest RSA modulus accepted in a CSR (NIST SP 800-131A: 2048 bits since 2014). */
export const MIN_RSA_BITS = 2048;

const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

const RSA_SIGN = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Checks that `value` names a supported {@link KeyAlgorithm}. */
export function parseKeyAlgorithm(value: unknown): KeyAlgorithm {
  if (typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value)) {
    return value as KeyAlgorithm;
  }
  throw new PkiError('PORTCULLIS_ERR_PKI_UNSUPPORTED_ALGORITHM', {
    cause: `expected one of ${KEY_ALGORITHMS.join(', ')}, got ${JSON.stringify(String(value)).slice(0, 40)}`,
  });
}

/**
 * Generates an extractable signing key pair.
 *
 * @param algorithm - default `ecdsa-p256`. RSA keys use e = 65537 and sign with SHA-256.
 */
export async function generateKeyPair(
  algorithm: KeyAlgorithm = DEFAULT_KEY_ALGORITHM,
): Promise<CryptoKeyPair> {
  const subtle = nodeWebCrypto.subtle;
  switch (parseKeyAlgorithm(algorithm)) {
    case 'ecdsa-p256':
      return (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
    case 'ecdsa-p384':
      return (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
    case 'rsa-2048':
    case 'rsa-3072':
      return (await subtle.generateKey(
        {
          ...RSA_SIGN,
          modulusLength: algorithm === 'rsa-2048' ? 2048 : 3072,
          publicExponent: new Uint8Array([1, 0, 1]),
        },
        true,
        ['sign', 'verify'],
      )) as CryptoKeyPair;
  }
}

/** The private key as PKCS#8 DER (RFC 5208). */
export async function exportPrivateKeyDer(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await nodeWebCrypto.subtle.exportKey('pkcs8', key));
}

/** The private key as a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  return encodePem(await exportPrivateKeyDer(key), PemLabel.PRIVATE_KEY);
}

/** The public key as SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7). */
export async function exportPublicKeyDer(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await nodeWebCrypto.subtle.exportKey('spki', key));
}

/**
 * Imports a PKCS#8 private key (PEM text or DER) as a signing key pair; the public half is
 * derived from the private key. Accepts the key types Portcullis generates.
 */
export async function importPrivateKey(pkcs8: string | Uint8Array): Promise<CryptoKeyPair> {
  const der =
    typeof pkcs8 === 'string' ? decodePem(pkcs8, PemLabel.PRIVATE_KEY, 'the private key') : pkcs8;
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new PkiError('PORTCULLIS_ERR_PKI_MALFORMED', {
      what: 'the private key',
      cause: describeCause(err),
    });
  }
  const algorithm = webCryptoAlgorithmOf(keyObject, 'the private key');
  const spki = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  const subtle = nodeWebCrypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
  const publicKey = await subtle.importKey('spki', spki, algorithm, true, ['verify']);
  return { privateKey, publicKey } as CryptoKeyPair;
}

function webCryptoAlgorithmOf(
  key: KeyObject,
  what: string,
): { name: string; namedCurve?: string; hash?: string } {
  const description = describeKeyObject(key);
  if (description.type === 'ec' && 'curve' in description) {
    if (description.curve === 'P-256' || description.curve === 'P-384') {
      return { name: 'ECDSA', namedCurve: description.curve };
    }
  }
  if (description.type === 'rsa') return { ...RSA_SIGN };
  throw new PkiError('PORTCULLIS_ERR_PKI_UNSUPPORTED_KEY', {
    what,
    cause: `${describeKey(description)} keys are not supported`,
  });
}

/** Describes a SubjectPublicKeyInfo (DER). */
export function describePublicKey(spki: Uint8Array): KeyDescription {
  return describeKeyObject(
    createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }),
  );
}

function describeKeyObject(key: KeyObject): KeyDescription {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    return { type, curve: CURVE_NAMES[curve] ?? curve };
  }
  if (type === 'rsa') return { type, bits: details.modulusLength ?? 0 };
  return { type };
}

/** Human words for a key: "EC P-256", "RSA 2048-bit", "ed25519". */
export function describeKey(description: KeyDescription): string {
  if (description.type === 'ec' && 'curve' in description) return `EC ${description.curve}`;
  if (description.type === 'rsa' && 'bits' in description) return `RSA ${description.bits}-bit`;
  return description.type;
}

/**
 * Applies the CSR key policy: RSA with at least {@link MIN_RSA_BITS} bits, or EC on P-256 or
 * P-384. Those are the keys every TLS stack on mobile and IoT clients can present.
 *
 * @throws PkiError `PORTCULLIS_ERR_PKI_WEAK_KEY` for short RSA keys,
 *   `PORTCULLIS_ERR_PKI_UNSUPPORTED_KEY` for other key types and curves.
 */
export function checkAcceptedPublicKey(spki: Uint8Array, what: string): KeyDescription {
  let description: KeyDescription;
  try {
    description = describePublicKey(spki);
  } catch (err) {
    throw new PkiError('PORTCULLIS_ERR_PKI_UNSUPPORTED_KEY', {
      what,
      cause: `the key cannot be read: ${describeCause(err)}`,
    });
  }
  if (description.type === 'rsa' && 'bits' in description) {
    if (description.bits < MIN_RSA_BITS) {
      throw new PkiError('PORTCULLIS_ERR_PKI_WEAK_KEY', {
        what,
        cause: `RSA keys must have at least ${MIN_RSA_BITS} bits, got ${description.bits}`,
      });
    }
    return description;
  }
  if (description.type === 'ec' && 'curve' in description) {
    if (description.curve === 'P-256' || description.curve === 'P-384') return description;
  }
  throw new PkiError('PORTCULLIS_ERR_PKI_UNSUPPORTED_KEY', {
    what,
    cause: `${describeKey(description)} keys are not accepted (use RSA of 2048 bits or more, or EC P-256/P-384)`,
  });
}

/**
 * The x509 signing algorithm for a private key: ECDSA with the hash that matches the curve
 * (RFC 5480 §4), RSA PKCS#1 v1.5 with SHA-256.
 */
export function signingAlgorithmFor(key: CryptoKey): { name: string; hash: string } {
  const algorithm = key.algorithm as { name: string; namedCurve?: string };
  if (algorithm.name === 'ECDSA') {
    return { name: 'ECDSA', hash: algorithm.namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256' };
  }
  return { ...RSA_SIGN };
}
