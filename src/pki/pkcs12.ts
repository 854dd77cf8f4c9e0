/**
 * Password-protected PKCS#12 device bundles (RFC 7292): the client certificate, its chain and
 * its private key in one `.p12` file that phones import.
 *
 * Two profiles:
 * - `compatible` (default): keys and certificates encrypted with
 *   pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC. Apple's Security framework
 *   (`SecPKCS12Import`, used by iOS, iPadOS and macOS imports) and Android's credential
 *   installer (reports up to Android 13) reject the PBES2/AES files that OpenSSL 3 writes by
 *   default, mostly as "wrong password"; this is the combination they all read. It encrypts
 *   certificates with 3DES rather than OpenSSL's legacy RC2-40, so that OpenSSL 3 reads it
 *   without `-legacy` (3DES is in its default provider).
 * - `modern`: PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA-256 MAC, exactly what
 *   `openssl pkcs12 -export` writes by default, for recent OSes and tooling.
 *
 * Both use 8-octet salts and 2048 iterations like OpenSSL: macOS's key chain is known to
 * reject other MAC salt lengths.
 */
import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  bmpString,
  explicit,
  implicitPrimitive,
  integer,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
} from './der.ts';
import { PkiError } from './errors.ts';
import { exportPrivateKeyDer } from './keys.ts';
import { readCertificateParts } from './certificate-fields.ts';
import type { CryptoKey } from './webcrypto.ts';

/** See the module comment. */
export type Pkcs12Profile = 'compatible' | 'modern';

/** Options for {@link buildPkcs12}. */
export interface Pkcs12Options {
  /** The private key: PKCS#8 DER or an extractable WebCrypto key. */
  readonly privateKey: Uint8Array | CryptoKey;
  /** The client certificate, DER. */
  readonly certificate: Uint8Array;
  /** CA certificates to include (issuing CA first), DER. */
  readonly chain?: readonly Uint8Array[];
  /** 1 to 128 characters; iOS refuses to import a bundle without one. */
  readonly password: string;
  /** Label that Android shows for the credential; default none. */
  readonly friendlyName?: string;
  /** Default `compatible`. */
  readonly profile?: Pkcs12Profile;
  /** PBE and MAC iterations; default 2048, as OpenSSL. */
  readonly iterations?: number;
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbeWithSha1And3DesCbc: '1.2.840.113549.1.12.1.3',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const SALT_BYTES = 8;
const DEFAULT_ITERATIONS = 2048;
const MAX_PASSWORD_LENGTH = 128;

/**
 * Builds a PKCS#12 file (DER, usually saved as `.p12`).
 *
 * @throws PkiError `PORTCULLIS_ERR_PKI_PKCS12_PASSWORD` for an empty or over-long password.
 *
 * @example
 * const p12 = await buildPkcs12({ privateKey, certificate, chain: [caDer], password });
 */
export async function buildPkcs12(options: Pkcs12Options): Promise<Uint8Array> {
  const password = checkPassword(options.password);
  const profile = options.profile ?? 'compatible';
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) {
    throw new PkiError('PORTCULLIS_ERR_PKI_INVALID_ARGUMENT', {
      doing: 'building a PKCS#12 bundle',
      cause: 'iterations must be an integer from 1 to 10000000',
    });
  }
  const pkcs8 =
    options.privateKey instanceof Uint8Array
      ? options.privateKey
      : await exportPrivateKeyDer(options.privateKey);
  readCertificateParts(options.certificate); // fail early on a certificate that is not one
  const encrypt = (plain: Uint8Array) => encryptContent(profile, password, iterations, plain);

  // OpenSSL's convention: localKeyId is the SHA-1 of the certificate, on both bags.
  const localKeyId = createHash('sha1').update(options.certificate).digest();
  const attributes = [attribute(OID.localKeyId, octetString(localKeyId))];
  if (options.friendlyName) {
    attributes.push(attribute(OID.friendlyName, bmpString(options.friendlyName)));
  }

  const certBags = [options.certificate, ...(options.chain ?? [])].map((der, i) =>
    safeBag(
      OID.certBag,
      sequence(oid(OID.x509Certificate), explicit(0, octetString(der))),
      i === 0 ? attributes : [],
    ),
  );
  const [keyAlgorithm, encryptedKey] = encrypt(pkcs8);
  const keyBag = safeBag(
    OID.pkcs8ShroudedKeyBag,
    sequence(keyAlgorithm, octetString(encryptedKey)),
    attributes,
  );

  const [certAlgorithm, encryptedCerts] = encrypt(sequence(...certBags));
  const authenticatedSafe = sequence(
    contentInfo(
      OID.encryptedData,
      sequence(
        integer(0),
        sequence(oid(OID.data), certAlgorithm, implicitPrimitive(0, encryptedCerts)),
      ),
    ),
    contentInfo(OID.data, octetString(sequence(keyBag))),
  );

  const macHash = profile === 'modern' ? 'sha256' : 'sha1';
  const macSalt = randomBytes(SALT_BYTES);
  const macKey = pkcs12Kdf(macHash, password, macSalt, 3, iterations, macHash === 'sha1' ? 20 : 32);
  const mac = createHmac(macHash, macKey).update(authenticatedSafe).digest();

  return sequence(
    integer(3),
    contentInfo(OID.data, octetString(authenticatedSafe)),
    sequence(
      sequence(
        sequence(oid(macHash === 'sha1' ? OID.sha1 : OID.sha256), nullValue()),
        octetString(mac),
      ),
      octetString(macSalt),
      integer(iterations),
    ),
  );
}

function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length === 0) {
    throw new PkiError('PORTCULLIS_ERR_PKI_PKCS12_PASSWORD', {
      cause: 'a password is required (iOS does not import bundles without one)',
    });
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new PkiError('PORTCULLIS_ERR_PKI_PKCS12_PASSWORD', {
      cause: `the password must be at most ${MAX_PASSWORD_LENGTH} characters`,
    });
  }
  return password;
}

function contentInfo(type: string, content: Uint8Array): Uint8Array {
  return sequence(oid(type), explicit(0, content));
}

function attribute(type: string, value: Uint8Array): Uint8Array {
  return sequence(oid(type), setOf(value));
}

function safeBag(type: string, value: Uint8Array, attributes: Uint8Array[]): Uint8Array {
  const parts = [oid(type), explicit(0, value)];
  if (attributes.length > 0) parts.push(setOf(...attributes));
  return sequence(...parts);
}

/** Encrypts with the profile's PBE; returns the AlgorithmIdentifier and the ciphertext. */
function encryptContent(
  profile: Pkcs12Profile,
  password: string,
  iterations: number,
  plain: Uint8Array,
): [Uint8Array, Uint8Array] {
  const salt = randomBytes(SALT_BYTES);
  if (profile === 'modern') {
    // PBES2 (RFC 8018 §6.2); the password goes to PBKDF2 as UTF-8, as OpenSSL passes it.
    const iv = randomBytes(16);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const algorithm = sequence(
      oid(OID.pbes2),
      sequence(
        sequence(
          oid(OID.pbkdf2),
          sequence(
            octetString(salt),
            integer(iterations),
            sequence(oid(OID.hmacWithSha256), nullValue()),
          ),
        ),
        sequence(oid(OID.aes256Cbc), octetString(iv)),
      ),
    );
    return [algorithm, Buffer.concat([cipher.update(plain), cipher.final()])];
  }
  // RFC 7292 Appendix C: pbeWithSHAAnd3-KeyTripleDES-CBC, key and IV from the PKCS#12 KDF.
  const key = pkcs12Kdf('sha1', password, salt, 1, iterations, 24);
  const iv = pkcs12Kdf('sha1', password, salt, 2, iterations, 8);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const algorithm = sequence(
    oid(OID.pbeWithSha1And3DesCbc),
    sequence(octetString(salt), integer(iterations)),
  );
  return [algorithm, Buffer.concat([cipher.update(plain), cipher.final()])];
}

/**
 * The PKCS#12 key derivation function (RFC 7292 Appendix B.2). `id` selects the purpose:
 * 1 key, 2 IV, 3 MAC key. The password enters as a NUL-terminated BMPString (Appendix B.1).
 */
export function pkcs12Kdf(
  hash: 'sha1' | 'sha256',
  password: string,
  salt: Uint8Array,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
): Buffer {
  const u = hash === 'sha1' ? 20 : 32;
  const v = 64;
  const bmp = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);

  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt, v), fill(bmp, v)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    blocks.push(A);
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-octet block of I, with B = A repeated.
    const B = fill(A, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] ?? 0) + (B[k] ?? 0) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** `data` repeated to the next multiple of `v` octets (empty stays empty). */
function fill(data: Uint8Array, v: number): Buffer {
  if (data.length === 0) return Buffer.alloc(0);
  const out = Buffer.alloc(v * Math.ceil(data.length / v));
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length] ?? 0;
  return out;
}
