/**
 * Structural reading of an X.509 certificate (RFC 5280 §4.1) straight from DER: the parts the
 * rule fields and the API metadata need, each located once and kept as byte views.
 */
import { DerError, Tag, decodeOid, expectTag, readChildren, readElement, readTop } from './der.ts';
import { readName, type NameAttribute } from './distinguished-name.ts';
import { PkiError, describeCause } from './errors.ts';

/** The located parts of a certificate. */
export interface CertificateParts {
  readonly serial: Uint8Array;
  /** The issuer Name, DER. */
  readonly issuer: Uint8Array;
  /** The subject Name, DER. */
  readonly subject: Uint8Array;
  /** The issuer Name's attributes, read and checked. */
  readonly issuerName: readonly NameAttribute[];
  /** The subject Name's attributes, read and checked. */
  readonly subjectName: readonly NameAttribute[];
  readonly notBefore: DerTime;
  readonly notAfter: DerTime;
  readonly signatureAlgorithm: string;
  readonly spki: Uint8Array;
  /** Extension values (the OCTET STRING content), keyed by dotted OID. */
  readonly extensions: ReadonlyMap<string, Uint8Array>;
}

/** A UTCTime or GeneralizedTime as written. */
export interface DerTime {
  readonly tag: number;
  readonly text: string;
}

/** Object identifiers of the extensions read here. */
export const ExtensionOid = {
  SUBJECT_KEY_IDENTIFIER: '2.5.29.14',
  KEY_USAGE: '2.5.29.15',
  BASIC_CONSTRAINTS: '2.5.29.19',
  CRL_NUMBER: '2.5.29.20',
  AUTHORITY_KEY_IDENTIFIER: '2.5.29.35',
  CRL_DISTRIBUTION_POINTS: '2.5.29.31',
  EXTENDED_KEY_USAGE: '2.5.29.37',
} as const;

/**
 * Locates the parts of a DER certificate and checks the ones that are read later (names,
 * times), so that formatting them cannot fail.
 *
 * @throws PkiError `PORTCULLIS_ERR_PKI_MALFORMED` when the DER is not a certificate.
 */
export function readCertificateParts(der: Uint8Array): CertificateParts {
  try {
    const cert = readTop(der, Tag.SEQUENCE);
    const [tbs, signatureAlgorithm] = readChildren(cert.content);
    const fields = readChildren(expectTag(tbs, Tag.SEQUENCE).content);
    // The version is [0] EXPLICIT and DEFAULT v1, so it may be absent (RFC 5280 §4.1.2.1).
    let i = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = expectTag(fields[i++], Tag.INTEGER).content;
    i++; // signature AlgorithmIdentifier, repeated outside the TBS
    const issuer = expectTag(fields[i++], Tag.SEQUENCE).encoded;
    const [notBefore, notAfter] = readChildren(expectTag(fields[i++], Tag.SEQUENCE).content);
    const subject = expectTag(fields[i++], Tag.SEQUENCE).encoded;
    const spki = expectTag(fields[i++], Tag.SEQUENCE).encoded;
    const extensions = new Map<string, Uint8Array>();
    for (const field of fields.slice(i)) {
      if (field.tag !== 0xa3) continue;
      const list = expectTag(readElement(field.content), Tag.SEQUENCE);
      for (const ext of readChildren(list.content)) {
        const parts = readChildren(expectTag(ext, Tag.SEQUENCE).content);
        const value = parts[parts.length - 1];
        extensions.set(
          decodeOid(expectTag(parts[0], Tag.OID).content),
          expectTag(value, Tag.OCTET_STRING).content,
        );
      }
    }
    const validity = { notBefore: readTime(notBefore), notAfter: readTime(notAfter) };
    timeToDate(validity.notBefore); // rejects a malformed time now rather than when printed
    timeToDate(validity.notAfter);
    return {
      serial,
      issuer,
      subject,
      issuerName: readName(issuer),
      subjectName: readName(subject),
      ...validity,
      signatureAlgorithm: algorithmOid(signatureAlgorithm),
      spki,
      extensions,
    };
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw new PkiError('PORTCULLIS_ERR_PKI_MALFORMED', {
      what: 'the certificate',
      cause: err instanceof DerError ? err.message : describeCause(err),
    });
  }
}

function readTime(el: ReturnType<typeof readElement> | undefined): DerTime {
  if (el === undefined || (el.tag !== Tag.UTC_TIME && el.tag !== Tag.GENERALIZED_TIME)) {
    throw new DerError('validity time is not a UTCTime or GeneralizedTime');
  }
  return { tag: el.tag, text: Buffer.from(el.content).toString('latin1') };
}

function algorithmOid(el: ReturnType<typeof readElement> | undefined): string {
  const [algorithm] = readChildren(expectTag(el, Tag.SEQUENCE).content);
  return decodeOid(expectTag(algorithm, Tag.OID).content);
}

/**
 * The key identifier of a SubjectKeyIdentifier extension value (RFC 5280 §4.2.1.2); undefined
 * when absent or malformed, so that a broken identifier reads as a missing one.
 */
export function subjectKeyIdentifier(value: Uint8Array | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  try {
    return expectTag(readElement(value), Tag.OCTET_STRING).content;
  } catch {
    return undefined;
  }
}

/**
 * The keyIdentifier of an AuthorityKeyIdentifier extension value (RFC 5280 §4.2.1.1);
 * undefined when absent or malformed.
 */
export function authorityKeyIdentifier(value: Uint8Array | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  try {
    const seq = expectTag(readElement(value), Tag.SEQUENCE);
    // keyIdentifier is [0] IMPLICIT OCTET STRING.
    return readChildren(seq.content).find((el) => el.tag === 0x80)?.content;
  } catch {
    return undefined;
  }
}

/** Whether a BasicConstraints extension value says cA (RFC 5280 §4.2.1.9). */
export function basicConstraintsCa(value: Uint8Array | undefined): boolean {
  if (value === undefined) return false;
  const [first] = readChildren(expectTag(readElement(value), Tag.SEQUENCE).content);
  return first?.tag === Tag.BOOLEAN && first.content[0] !== 0;
}

/** Converts a DER time to a Date (RFC 5280 §4.1.2.5.1: two-digit years from 1950 to 2049). */
export function timeToDate(time: DerTime): Date {
  const m =
    time.tag === Tag.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(time.text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z$/.exec(time.text);
  if (m === null) throw new DerError(`unsupported time ${JSON.stringify(time.text)}`);
  let year = Number(m[1]);
  if (time.tag === Tag.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms),
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A time as OpenSSL's `ASN1_TIME_print` writes it: `Mar  1 13:35:00 2022 GMT`, the day padded
 * with a space to two characters, fractional seconds of a GeneralizedTime kept.
 */
export function formatOpensslTime(time: DerTime): string {
  const date = timeToDate(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  const fraction =
    time.tag === Tag.GENERALIZED_TIME ? (/\.(\d+)Z$/.exec(time.text)?.[1] ?? '') : '';
  return (
    `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    `${fraction ? `.${fraction}` : ''} ${date.getUTCFullYear()} GMT`
  );
}

/**
 * A serial number as OpenSSL's `i2a_ASN1_INTEGER` prints it: uppercase hex of the magnitude,
 * without the zero octet that DER adds before a set top bit, `-` before a negative value
 * (RFC 5280 §4.1.2.2 forbids those, but certificates in the wild carry them).
 */
export function formatSerial(content: Uint8Array): string {
  if (content.length === 0) return '00';
  if ((content[0] ?? 0) & 0x80) {
    const magnitude = -BigInt.asIntN(content.length * 8, BigInt(`0x${hex(content)}`));
    const text = magnitude.toString(16).toUpperCase();
    return `-${text.length % 2 ? `0${text}` : text}`;
  }
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  return hex(content.subarray(start)).toUpperCase();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
