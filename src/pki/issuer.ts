/**
 * Issuing client certificates from a CSR and a signing CA (RFC 5280 profile for TLS client
 * authentication). The issuer builds new certificates; reading them is `client-certificate.ts`.
 */
import {
  ExtensionOid,
  readCertificateParts,
  subjectKeyIdentifier,
  timeToDate,
} from './certificate-fields.ts';
import {
  assertAuthorityKeyMatches,
  wholeSeconds,
  type SigningAuthority,
} from './certificate-authority.ts';
import {
  describeClientCertificate,
  type ClientCertificateMetadata,
} from './certificate-metadata.ts';
import { parseCsr, type ParsedCsr } from './csr.ts';
import { PkiError } from './errors.ts';
import { toHexLower } from './hex.ts';
import { signingAlgorithmFor } from './keys.ts';
import { PemLabel, encodePem } from './pem.ts';
import { randomSerial } from './serial.ts';
import { x509 } from './webcrypto.ts';

/** The shortest validity accepted for a client certificate, in days. */
export const MIN_VALIDITY_DAYS = 1;

/** The longest validity accepted: 15 years, the longest choice Cloudflare's dashboard offers. */
export const MAX_VALIDITY_DAYS = 5475;

/** Validity used when the caller does not choose: 10 years, as Cloudflare's examples use. */
export const DEFAULT_VALIDITY_DAYS = 3650;

/**
 * How far notBefore is set into the past, so that a device whose clock runs a little behind
 * accepts its certificate straight away.
 */
export const BACKDATE_SECONDS = 60;

/** Options for {@link issueClientCertificate}. */
export interface IssueOptions {
  /** The request: PEM text, or a {@link ParsedCsr} that was already checked. */
  readonly csr: string | ParsedCsr;
  readonly authority: SigningAuthority;
  /** From {@link MIN_VALIDITY_DAYS} to {@link MAX_VALIDITY_DAYS}; default 3650. */
  readonly validityDays?: number;
  /** Where the CA publishes its CRL; goes into the CRL distribution points extension. */
  readonly crlDistributionPointUrl?: string;
  /** The issuing time; default now. */
  readonly now?: Date;
}

/** A newly issued certificate. */
export interface IssuedCertificate {
  readonly certificatePem: string;
  readonly certificateDer: Uint8Array;
  /** The CSR as canonical PEM, for the API's `csr` field. */
  readonly csrPem: string;
  /** Cloudflare's `ClientCertificate` certificate fields. */
  readonly metadata: ClientCertificateMetadata;
}

/**
 * Issues a client certificate: random 20-octet serial, subject copied from the CSR, basic
 * constraints cA false, key usage digitalSignature, extended key usage clientAuth, subject
 * and authority key identifiers and, when given, the CRL distribution point. notAfter never
 * passes the CA's own notAfter (a path is only valid while every certificate in it is).
 *
 * @throws PkiError `VALIDITY_OUT_OF_RANGE`, `CA_KEY_MISMATCH`, and the CSR errors of
 *   {@link parseCsr}.
 */
export async function issueClientCertificate(options: IssueOptions): Promise<IssuedCertificate> {
  const validityDays = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
  checkValidityDays(validityDays);
  const csr = typeof options.csr === 'string' ? await parseCsr(options.csr) : options.csr;
  const crlUrl = options.crlDistributionPointUrl;
  if (crlUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(crlUrl)) {
    throw new PkiError('PORTCULLIS_ERR_PKI_INVALID_ARGUMENT', {
      doing: 'issuing a certificate',
      cause: 'the CRL distribution point must be an http or https URL',
    });
  }
  assertAuthorityKeyMatches(options.authority);

  const ca = readCertificateParts(options.authority.certificateDer);
  const notBefore = new Date(
    wholeSeconds(options.now ?? new Date()).getTime() - BACKDATE_SECONDS * 1000,
  );
  const caNotAfter = timeToDate(ca.notAfter);
  const wanted = new Date(notBefore.getTime() + validityDays * 86_400_000);
  const notAfter = wanted.getTime() > caNotAfter.getTime() ? caNotAfter : wanted;

  const publicKey = new x509.PublicKey(csr.publicKeyInfo);
  const caKeyId = subjectKeyIdentifier(ca.extensions.get(ExtensionOid.SUBJECT_KEY_IDENTIFIER));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    caKeyId
      ? new x509.AuthorityKeyIdentifierExtension(toHexLower(caKeyId), false)
      : await x509.AuthorityKeyIdentifierExtension.create(new x509.PublicKey(ca.spki), false),
  ];
  if (crlUrl !== undefined) extensions.push(new x509.CRLDistributionPointsExtension([crlUrl]));

  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: new x509.Name(csr.subjectName),
    issuer: new x509.Name(ca.subject),
    notBefore,
    notAfter,
    publicKey,
    signingKey: options.authority.privateKey as never,
    signingAlgorithm: signingAlgorithmFor(options.authority.privateKey),
    extensions,
  });
  const certificateDer = new Uint8Array(cert.rawData);
  return {
    certificatePem: encodePem(certificateDer, PemLabel.CERTIFICATE),
    certificateDer,
    csrPem: csr.pem,
    metadata: describeClientCertificate(certificateDer),
  };
}

/**
 * Checks a requested validity.
 *
 * @throws PkiError `PORTCULLIS_ERR_PKI_VALIDITY_OUT_OF_RANGE` unless `days` is an integer
 *   from {@link MIN_VALIDITY_DAYS} to {@link MAX_VALIDITY_DAYS}.
 */
export function checkValidityDays(days: unknown): asserts days is number {
  if (
    typeof days !== 'number' ||
    !Number.isInteger(days) ||
    days < MIN_VALIDITY_DAYS ||
    days > MAX_VALIDITY_DAYS
  ) {
    throw new PkiError('PORTCULLIS_ERR_PKI_VALIDITY_OUT_OF_RANGE', {
      min: MIN_VALIDITY_DAYS,
      max: MAX_VALIDITY_DAYS,
      got: JSON.stringify(days ?? null).slice(0, 24),
    });
  }
}
