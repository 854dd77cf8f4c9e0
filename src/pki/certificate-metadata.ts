/**
 * Certificate metadata in the shapes of Cloudflare's API results: the certificate fields of
 * `ClientCertificate` and of `MTLSCertificate`.
 */
import { createHash } from 'node:crypto';
import {
  ExtensionOid,
  formatSerial,
  readCertificateParts,
  subjectKeyIdentifier,
  timeToDate,
  type CertificateParts,
} from './certificate-fields.ts';
import { summarizeSubject, type SubjectSummary } from './csr.ts';
import { formatRfc2253 } from './distinguished-name.ts';
import { toHexLower, toHexUpper } from './hex.ts';
import { PemLabel, encodePem } from './pem.ts';

/**
 * Signature algorithm names as Cloudflare's API reports them (the names of Go's
 * `x509.SignatureAlgorithm`), keyed by OID (RFC 4055, RFC 5758).
 */
const SIGNATURE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'SHA1WithRSA',
  '1.2.840.113549.1.1.11': 'SHA256WithRSA',
  '1.2.840.113549.1.1.12': 'SHA384WithRSA',
  '1.2.840.113549.1.1.13': 'SHA512WithRSA',
  // TODO(fix): RSASSA-PSS carries its hash in parameters; every PSS signature reads as SHA-256.
  '1.2.840.113549.1.1.10': 'SHA256WithRSAPSS',
  '1.2.840.10045.4.1': 'ECDSAWithSHA1',
  '1.2.840.10045.4.3.2': 'ECDSAWithSHA256',
  '1.2.840.10045.4.3.3': 'ECDSAWithSHA384',
  '1.2.840.10045.4.3.4': 'ECDSAWithSHA512',
  '1.3.101.112': 'Ed25519',
};

/** Cloudflare's name for a signature algorithm OID; the dotted OID when it has none. */
export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_NAMES[oid] ?? oid;
}

/** The certificate fields of Cloudflare's `ClientCertificate` result. */
export interface ClientCertificateMetadata extends SubjectSummary {
  /** PEM of the certificate. */
  readonly certificate: string;
  /** notAfter, ISO 8601 without fractions: `2030-09-26T02:41:00Z`. */
  readonly expires_on: string;
  /** notBefore, ISO 8601. */
  readonly issued_on: string;
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprint_sha256: string;
  /** Serial number, uppercase hex (the same text as `cf.tls_client_auth.cert_serial`). */
  readonly serial_number: string;
  /** e.g. `ECDSAWithSHA256`, `SHA256WithRSA`. */
  readonly signature: string;
  /** Subject Key Identifier, lowercase hex as Cloudflare's API shows it; "" when absent. */
  readonly ski: string;
  /** Whole days from notBefore to notAfter. */
  readonly validity_days: number;
}

/** The certificate fields of Cloudflare's `MTLSCertificate` result. */
export interface CaCertificateMetadata {
  /** Issuer DN in RFC 2253 form. */
  readonly issuer: string;
  /** Subject DN in RFC 2253 form (not in Cloudflare's shape; handy for names and logs). */
  readonly subject: string;
  /** Serial number, uppercase hex. */
  readonly serial_number: string;
  readonly signature: string;
  readonly expires_on: string;
  readonly issued_on: string;
  /** Subject Key Identifier, uppercase hex as `cf.tls_client_auth.cert_issuer_ski` shows it. */
  readonly ski: string;
  readonly fingerprint_sha256: string;
}

/** ISO 8601 in whole seconds, as Cloudflare writes `expires_on`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Describes an issued certificate (DER) in the `ClientCertificate` shape. */
export function describeClientCertificate(der: Uint8Array): ClientCertificateMetadata {
  const parts = readCertificateParts(der);
  const notBefore = timeToDate(parts.notBefore);
  const notAfter = timeToDate(parts.notAfter);
  const ski = subjectKeyIdentifier(parts.extensions.get(ExtensionOid.SUBJECT_KEY_IDENTIFIER));
  return {
    certificate: encodePem(der, PemLabel.CERTIFICATE),
    ...summarizeSubject(parts.subjectName),
    expires_on: isoSeconds(notAfter),
    issued_on: isoSeconds(notBefore),
    fingerprint_sha256: sha256Hex(der),
    serial_number: serialHex(parts),
    signature: signatureAlgorithmName(parts.signatureAlgorithm),
    ski: ski ? toHexLower(ski) : '',
    validity_days: Math.round((notAfter.getTime() - notBefore.getTime()) / 86_400_000),
  };
}

/** Describes a CA certificate (DER) in the `MTLSCertificate` shape. */
export function describeCaCertificate(der: Uint8Array): CaCertificateMetadata {
  const parts = readCertificateParts(der);
  const ski = subjectKeyIdentifier(parts.extensions.get(ExtensionOid.SUBJECT_KEY_IDENTIFIER));
  return {
    issuer: formatRfc2253(parts.issuerName),
    subject: formatRfc2253(parts.subjectName),
    serial_number: serialHex(parts),
    signature: signatureAlgorithmName(parts.signatureAlgorithm),
    expires_on: isoSeconds(timeToDate(parts.notAfter)),
    issued_on: isoSeconds(timeToDate(parts.notBefore)),
    ski: ski ? toHexUpper(ski) : '',
    fingerprint_sha256: sha256Hex(der),
  };
}

function serialHex(parts: CertificateParts): string {
  return formatSerial(parts.serial);
}

function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}
