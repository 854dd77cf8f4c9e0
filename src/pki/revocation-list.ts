/**
 * Certificate revocation lists (RFC 5280 §5): building the managed CA's CRL, and reading a
 * CRL uploaded for an uploaded CA, which must be signed by that CA.
 */
import {
  ExtensionOid,
  formatSerial,
  readCertificateParts,
  subjectKeyIdentifier,
  timeToDate,
  type DerTime,
} from './certificate-fields.ts';
import {
  assertAuthorityKeyMatches,
  wholeSeconds,
  type SigningAuthority,
} from './certificate-authority.ts';
import {
  Tag,
  expectTag,
  integer,
  readChildren,
  readElement,
  readTop,
  type DerElement,
} from './der.ts';
import { formatRfc2253, readName } from './distinguished-name.ts';
import { PkiError, describeCause } from './errors.ts';
import { toHexLower } from './hex.ts';
import { signingAlgorithmFor } from './keys.ts';
import { MAX_CRL_LENGTH, PemLabel, checkLength, decodePem, encodePem } from './pem.ts';
import { x509 } from './webcrypto.ts';

/** One revoked certificate. */
export interface RevokedEntry {
  /** Serial number, hex (any case, no separators), as `cert_serial` shows it. */
  readonly serialNumber: string;
  readonly revokedAt: Date;
}

/** How long a managed CRL is valid when the caller does not say: 7 days. */
export const DEFAULT_CRL_VALIDITY_SECONDS = 7 * 86_400;

/** Options for {@link buildCrl}. */
export interface BuildCrlOptions {
  readonly authority: SigningAuthority;
  readonly entries: readonly RevokedEntry[];
  /**
   * The CRL number (RFC 5280 §5.2.3): the caller keeps it and passes a larger one for every
   * new CRL of the same CA, so that relying parties can tell which list is newer.
   */
  readonly crlNumber: bigint | number;
  /** Default now. */
  readonly thisUpdate?: Date;
  /** Default thisUpdate + {@link DEFAULT_CRL_VALIDITY_SECONDS}. */
  readonly nextUpdate?: Date;
}

/** A built CRL. */
export interface BuiltCrl {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly crlNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

/** A parsed and verified CRL. */
export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly pem: string;
  /** Issuer DN, RFC 2253 form. */
  readonly issuer: string;
  /** The CRL number, when the CRL has one. */
  readonly crlNumber: bigint | undefined;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** Revoked serials, uppercase hex as `cf.tls_client_auth.cert_serial` shows them. */
  readonly entries: readonly { readonly serialNumber: string; readonly revokedAt: Date }[];
}

// CRLNumber is an INTEGER of at most 20 octets (RFC 5280 §5.2.3).
const MAX_CRL_NUMBER = 2n ** 159n;

/**
 * Builds a v2 CRL signed by the CA, with the CRL number and authority key identifier
 * extensions that RFC 5280 §5.2 requires of conforming CAs.
 *
 * @throws PkiError `CRL_NUMBER`, `INVALID_SERIAL`, `CA_KEY_MISMATCH`.
 */
export async function buildCrl(options: BuildCrlOptions): Promise<BuiltCrl> {
  const crlNumber = checkCrlNumber(options.crlNumber);
  assertAuthorityKeyMatches(options.authority);
  const ca = readCertificateParts(options.authority.certificateDer);
  const thisUpdate = wholeSeconds(options.thisUpdate ?? new Date());
  const nextUpdate = wholeSeconds(
    options.nextUpdate ?? new Date(thisUpdate.getTime() + DEFAULT_CRL_VALIDITY_SECONDS * 1000),
  );
  const keyId = subjectKeyIdentifier(ca.extensions.get(ExtensionOid.SUBJECT_KEY_IDENTIFIER));

  const crl = await x509.X509CrlGenerator.create({
    issuer: new x509.Name(ca.subject),
    thisUpdate,
    nextUpdate,
    signingKey: options.authority.privateKey as never,
    signingAlgorithm: signingAlgorithmFor(options.authority.privateKey),
    entries: options.entries.map((entry) => ({
      serialNumber: normalizeSerial(entry.serialNumber),
      revocationDate: wholeSeconds(entry.revokedAt),
    })),
    extensions: [
      keyId
        ? new x509.AuthorityKeyIdentifierExtension(toHexLower(keyId), false)
        : await x509.AuthorityKeyIdentifierExtension.create(new x509.PublicKey(ca.spki), false),
      new x509.Extension(ExtensionOid.CRL_NUMBER, false, integer(crlNumber)),
    ],
  });
  const der = new Uint8Array(crl.rawData);
  return { der, pem: encodePem(der, PemLabel.X509_CRL), crlNumber, thisUpdate, nextUpdate };
}

/**
 * Parses a CRL (PEM or DER) and verifies that `caCertificateDer` issued it: the issuer name
 * must be the CA's subject and the signature must verify with the CA's key (RFC 5280 §6.3.3).
 *
 * @throws PkiError `NOT_PEM`, `WRONG_PEM_TYPE`, `INPUT_TOO_LARGE` (over {@link MAX_CRL_LENGTH}),
 *   `MALFORMED`, `CRL_NOT_SIGNED_BY_CA`.
 */
export async function parseCrl(
  input: string | Uint8Array,
  caCertificateDer: Uint8Array,
): Promise<ParsedCrl> {
  const what = 'the CRL';
  if (typeof input !== 'string') checkLength(input.length, MAX_CRL_LENGTH, what);
  const der =
    typeof input === 'string' ? decodePem(input, PemLabel.X509_CRL, what, MAX_CRL_LENGTH) : input;
  const ca = readCertificateParts(caCertificateDer);
  const caSerial = formatSerial(ca.serial);

  let crl: x509.X509Crl;
  let issuer: string;
  try {
    crl = new x509.X509Crl(der);
    issuer = formatRfc2253(readName(new Uint8Array(crl.issuerName.toArrayBuffer())));
  } catch (err) {
    throw new PkiError('PORTCULLIS_ERR_PKI_MALFORMED', { what, cause: describeCause(err) });
  }

  const caSubject = formatRfc2253(ca.subjectName);
  if (issuer !== caSubject) {
    throw new PkiError('PORTCULLIS_ERR_PKI_CRL_NOT_SIGNED_BY_CA', {
      serial: caSerial,
      cause: `the CRL's issuer ${JSON.stringify(issuer)} is not the CA's subject ${JSON.stringify(caSubject)}`,
    });
  }
  let valid = false;
  try {
    valid = await crl.verify({ publicKey: new x509.PublicKey(ca.spki) });
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new PkiError('PORTCULLIS_ERR_PKI_CRL_NOT_SIGNED_BY_CA', {
      serial: caSerial,
      cause: 'the signature does not verify with the CA key',
    });
  }

  const numberExt = crl.extensions.find((e) => e.type === ExtensionOid.CRL_NUMBER);
  let entries: ParsedCrl['entries'];
  let crlNumber: bigint | undefined;
  try {
    entries = readRevokedEntries(der);
    crlNumber = numberExt ? readCrlNumber(new Uint8Array(numberExt.value)) : undefined;
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw new PkiError('PORTCULLIS_ERR_PKI_MALFORMED', { what, cause: describeCause(err) });
  }
  return {
    der,
    pem: encodePem(der, PemLabel.X509_CRL),
    issuer,
    crlNumber,
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    entries,
  };
}

/**
 * The revokedCertificates of a CertificateList (RFC 5280 §5.1), read from the DER so that a
 * serial keeps its exact INTEGER octets (and prints like `cert_serial`).
 */
function readRevokedEntries(der: Uint8Array): ParsedCrl['entries'] {
  const [tbs] = readChildren(readTop(der, Tag.SEQUENCE).content);
  const fields = readChildren(expectTag(tbs, Tag.SEQUENCE).content);
  // version, signature, issuer, thisUpdate, then an optional nextUpdate time.
  let i = fields[0]?.tag === Tag.INTEGER ? 4 : 3;
  const next = fields[i];
  if (next && (next.tag === Tag.UTC_TIME || next.tag === Tag.GENERALIZED_TIME)) i++;
  const list = fields[i];
  if (list === undefined || list.tag !== Tag.SEQUENCE) return [];
  return readChildren(list.content).map((entry) => {
    const [serial, date] = readChildren(expectTag(entry, Tag.SEQUENCE).content);
    return {
      serialNumber: formatSerial(expectTag(serial, Tag.INTEGER).content),
      revokedAt: timeToDate(readTime(date)),
    };
  });
}

function readTime(el: DerElement | undefined): DerTime {
  if (el === undefined || (el.tag !== Tag.UTC_TIME && el.tag !== Tag.GENERALIZED_TIME)) {
    throw new PkiError('PORTCULLIS_ERR_PKI_MALFORMED', {
      what: 'the CRL',
      cause: 'a revocation date is not a time',
    });
  }
  return { tag: el.tag, text: Buffer.from(el.content).toString('latin1') };
}

function checkCrlNumber(value: bigint | number): bigint {
  const ok =
    (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) &&
    BigInt(value) >= 0n &&
    BigInt(value) < MAX_CRL_NUMBER;
  if (!ok) {
    throw new PkiError('PORTCULLIS_ERR_PKI_CRL_NUMBER', { got: String(value).slice(0, 50) });
  }
  return BigInt(value);
}

function readCrlNumber(value: Uint8Array): bigint {
  const content = expectTag(readElement(value), Tag.INTEGER).content;
  return content.length === 0 ? 0n : BigInt(`0x${toHexLower(content)}`);
}

/** Checks a hex serial and gives it in the even-length form x509 expects. */
function normalizeSerial(serial: string): string {
  if (typeof serial !== 'string' || !/^[0-9A-Fa-f]{1,40}$/.test(serial)) {
    throw new PkiError('PORTCULLIS_ERR_PKI_INVALID_SERIAL', {
      cause: 'expected 1 to 40 hex digits without separators',
    });
  }
  const even = serial.length % 2 ? `0${serial}` : serial;
  // A set top bit would make the INTEGER negative; DER then needs a leading zero octet.
  return /^[89a-fA-F]/.test(even) ? `00${even}` : even;
}
