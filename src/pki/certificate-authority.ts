/**
 * Certificate authorities: creating the managed CA of an account, and checking a CA that an
 * operator uploads (bring your own CA).
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import {
  ExtensionOid,
  basicConstraintsCa,
  formatSerial,
  readCertificateParts,
  timeToDate,
} from './certificate-fields.ts';
import { describeCaCertificate, type CaCertificateMetadata } from './certificate-metadata.ts';
import { Tag, encode, oid, sequence, setOf } from './der.ts';
import { NameOid } from './distinguished-name.ts';
import { PkiError, describeCause } from './errors.ts';
import { openPrivateKey, sealPrivateKey } from './key-sealing.ts';
import {
  DEFAULT_KEY_ALGORITHM,
  exportPrivateKeyDer,
  generateKeyPair,
  importPrivateKey,
  signingAlgorithmFor,
  type KeyAlgorithm,
} from './keys.ts';
import { MAX_CA_BUNDLE_PEM_LENGTH, PemLabel, decodePem, decodePemAll, encodePem } from './pem.ts';
import { randomSerial } from './serial.ts';
import { x509, type CryptoKey, type CryptoKeyPair } from './webcrypto.ts';

/**
 * A CA that can sign: its certificate and its private key. This is the interface through
 * which keys reach the library; where the key is kept and how it is unsealed is the caller's
 * business.
 */
export interface SigningAuthority {
  /** The CA certificate, DER. */
  readonly certificateDer: Uint8Array;
  /** The CA's private key, able to sign. */
  readonly privateKey: CryptoKey;
}

/** Default lifetime of a managed CA: 20 years, longer than any certificate it issues. */
export const DEFAULT_CA_VALIDITY_DAYS = 7305;

/** Options for {@link createManagedCa}. */
export interface CreateManagedCaOptions {
  /** The account the CA belongs to; it goes into the CA's name. */
  readonly accountId: string;
  /** Default `ecdsa-p256`; `rsa-2048` or `rsa-3072` on request. */
  readonly algorithm?: KeyAlgorithm;
  /** Default {@link DEFAULT_CA_VALIDITY_DAYS}. */
  readonly validityDays?: number;
  /** The issuing time; default now. */
  readonly now?: Date;
}

/** A newly created CA: certificate, keys and metadata. */
export interface CreatedCa {
  readonly name: string;
  readonly certificatePem: string;
  readonly certificateDer: Uint8Array;
  readonly keys: CryptoKeyPair;
  readonly metadata: CaCertificateMetadata;
}

/** The managed CA's common name for an account, in Cloudflare's wording. */
export function managedCaName(accountId: string): string {
  return `Portcullis Managed CA for account ${accountId}`;
}

/**
 * Creates the self-signed managed CA of an account: `CN=Portcullis Managed CA for account
 * <id>, O=Portcullis`, basicConstraints cA with path length 0 (it signs client certificates
 * only), keyCertSign and cRLSign, and a Subject Key Identifier (RFC 5280 §4.2.1.2).
 */
export async function createManagedCa(options: CreateManagedCaOptions): Promise<CreatedCa> {
  const accountId = String(options.accountId ?? '');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(accountId)) {
    throw new PkiError('PORTCULLIS_ERR_PKI_INVALID_ARGUMENT', {
      doing: 'creating a managed CA',
      cause: 'the account id must be 1 to 64 letters, digits, dots, dashes or underscores',
    });
  }
  const validityDays = options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS;
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 36_500) {
    throw new PkiError('PORTCULLIS_ERR_PKI_INVALID_ARGUMENT', {
      doing: 'creating a managed CA',
      cause: `validity must be 1 to 36500 days, got ${String(validityDays).slice(0, 20)}`,
    });
  }
  const name = managedCaName(accountId);
  const keys = await generateKeyPair(options.algorithm ?? DEFAULT_KEY_ALGORITHM);
  const notBefore = wholeSeconds(options.now ?? new Date());
  const notAfter = new Date(notBefore.getTime() + validityDays * 86_400_000);

  const subject = sequence(
    setOf(sequence(oid(NameOid.ORGANIZATION), encode(Tag.UTF8_STRING, Buffer.from('Portcullis')))),
    setOf(sequence(oid(NameOid.COMMON_NAME), encode(Tag.UTF8_STRING, Buffer.from(name)))),
  );
  const certificateDer = await selfSignedCa(subject, keys, notBefore, notAfter);
  return {
    name,
    certificatePem: encodePem(certificateDer, PemLabel.CERTIFICATE),
    certificateDer,
    keys,
    metadata: describeCaCertificate(certificateDer),
  };
}

/**
 * Signs a self-signed CA certificate: basicConstraints cA with path length 0 (it signs leaf
 * certificates only), keyCertSign and cRLSign, and a Subject Key Identifier (RFC 5280
 * §4.2.1.2). `name` is a DN string (`CN=…, O=…`) or an encoded Name.
 */
export async function selfSignedCa(
  name: string | Uint8Array,
  keys: CryptoKeyPair,
  notBefore: Date,
  notAfter: Date,
): Promise<Uint8Array> {
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: new x509.Name(name as never),
    notBefore,
    notAfter,
    keys: keys as never,
    signingAlgorithm: signingAlgorithmFor(keys.privateKey),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return new Uint8Array(cert.rawData);
}

/** An uploaded CA bundle that passed the checks. */
export interface UploadedCa {
  /** The bundle re-armoured as canonical PEM, certificates in the order given. */
  readonly certificates: string;
  readonly certificateDers: readonly Uint8Array[];
  /** Metadata of the first certificate, in the `MTLSCertificate` shape. */
  readonly metadata: CaCertificateMetadata;
}

/**
 * Checks a CA bundle uploaded for bring-your-own-CA: PEM certificates, each one a CA
 * (basicConstraints cA, RFC 5280 §4.2.1.9) and valid at `now`.
 *
 * @throws PkiError `NOT_PEM`, `WRONG_PEM_TYPE`, `INPUT_TOO_LARGE` (over
 *   {@link MAX_CA_BUNDLE_PEM_LENGTH}), `MALFORMED`, `NOT_A_CA`,
 *   `CERTIFICATE_EXPIRED`, `CERTIFICATE_NOT_YET_VALID`.
 */
export function validateUploadedCa(pem: string, options: { now?: Date } = {}): UploadedCa {
  const ders = decodePemAll(
    pem,
    PemLabel.CERTIFICATE,
    'the CA certificates',
    MAX_CA_BUNDLE_PEM_LENGTH,
  );
  const now = options.now ?? new Date();
  for (const der of ders) {
    const parts = readCertificateParts(der);
    const serial = formatSerial(parts.serial);
    if (!isCa(parts.extensions.get(ExtensionOid.BASIC_CONSTRAINTS), serial)) {
      throw new PkiError('PORTCULLIS_ERR_PKI_NOT_A_CA', { serial });
    }
    const notBefore = timeToDate(parts.notBefore);
    const notAfter = timeToDate(parts.notAfter);
    if (notAfter.getTime() < now.getTime()) {
      throw new PkiError('PORTCULLIS_ERR_PKI_CERTIFICATE_EXPIRED', {
        serial,
        notAfter: notAfter.toISOString(),
      });
    }
    if (notBefore.getTime() > now.getTime()) {
      throw new PkiError('PORTCULLIS_ERR_PKI_CERTIFICATE_NOT_YET_VALID', {
        serial,
        notBefore: notBefore.toISOString(),
      });
    }
  }
  return {
    certificates: ders.map((der) => encodePem(der, PemLabel.CERTIFICATE)).join(''),
    certificateDers: ders,
    metadata: describeCaCertificate(ders[0] as Uint8Array),
  };
}

function isCa(basicConstraints: Uint8Array | undefined, serial: string): boolean {
  try {
    return basicConstraintsCa(basicConstraints);
  } catch (err) {
    throw new PkiError('PORTCULLIS_ERR_PKI_MALFORMED', {
      what: `the basicConstraints of certificate ${serial}`,
      cause: describeCause(err),
    });
  }
}

/**
 * Checks that `authority.privateKey` is the key of `authority.certificateDer`, so that a
 * mix-up in storage fails loudly here instead of producing certificates nobody can verify.
 *
 * @throws PkiError `PORTCULLIS_ERR_PKI_CA_KEY_MISMATCH`.
 */
export function assertAuthorityKeyMatches(authority: SigningAuthority): void {
  const parts = readCertificateParts(authority.certificateDer);
  const derived = createPublicKey(KeyObject.from(authority.privateKey as never)).export({
    type: 'spki',
    format: 'der',
  });
  if (!derived.equals(parts.spki)) {
    throw new PkiError('PORTCULLIS_ERR_PKI_CA_KEY_MISMATCH', {
      serial: formatSerial(parts.serial),
    });
  }
}

/**
 * Seals a CA's private key for storage (AES-256-GCM under the master key, see
 * `key-sealing.ts`). The store keeps the blob; the key never reaches it in clear.
 */
export async function sealSigningKey(
  privateKey: CryptoKey,
  masterKey: Uint8Array,
): Promise<Uint8Array> {
  return sealPrivateKey(await exportPrivateKeyDer(privateKey), masterKey);
}

/**
 * Opens a stored CA into a {@link SigningAuthority}: unseals the key, imports it and checks
 * that it belongs to the certificate.
 *
 * @param certificate - the CA certificate, PEM or DER.
 * @throws PkiError `SEALED_KEY_AUTH` for a wrong master key, `CA_KEY_MISMATCH` when the
 *   sealed key is another CA's, and the PEM errors.
 */
export async function openSigningAuthority(
  certificate: string | Uint8Array,
  sealedKey: Uint8Array,
  masterKey: Uint8Array,
): Promise<SigningAuthority> {
  const certificateDer =
    typeof certificate === 'string'
      ? decodePem(certificate, PemLabel.CERTIFICATE, 'the CA certificate')
      : certificate;
  const keys = await importPrivateKey(openPrivateKey(sealedKey, masterKey));
  const authority = { certificateDer, privateKey: keys.privateKey };
  assertAuthorityKeyMatches(authority);
  return authority;
}

/** Truncates to whole seconds: certificate times carry no fractions (RFC 5280 §4.1.2.5). */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
