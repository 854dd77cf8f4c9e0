/**
 * Certificate signing requests (PKCS#10, RFC 2986): reading a device's CSR with the checks
 * the API promises, and generating a key and CSR for the dashboard's "generate private key
 * and CSR for me".
 */
import { Tag, encode, expectTag, oid, readChildren, readTop, sequence, setOf } from './der.ts';
import {
  NameOid,
  attributeText,
  formatRfc2253,
  readName,
  type NameAttribute,
} from './distinguished-name.ts';
import { PkiError, describeCause } from './errors.ts';
import {
  DEFAULT_KEY_ALGORITHM,
  checkAcceptedPublicKey,
  exportPrivateKeyPem,
  generateKeyPair,
  signingAlgorithmFor,
  type KeyAlgorithm,
  type KeyDescription,
} from './keys.ts';
import { MAX_CSR_PEM_LENGTH, PemLabel, decodePem, encodePem } from './pem.ts';
import { x509, type CryptoKeyPair } from './webcrypto.ts';

/** Subject fields as the API names them; "" when the name has no such attribute. */
export interface SubjectSummary {
  readonly common_name: string;
  readonly country: string;
  readonly state: string;
  readonly location: string;
  readonly organization: string;
  readonly organizational_unit: string;
}

/** A subject to put into a generated CSR. Only `commonName` is required. */
export interface SubjectInput {
  readonly commonName: string;
  /** Two-letter ISO 3166 code. */
  readonly country?: string;
  readonly state?: string;
  readonly locality?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
}

/** A CSR that parsed, whose signature verified and whose key passed the policy. */
export interface ParsedCsr {
  /** The CSR re-armoured as canonical PEM. */
  readonly pem: string;
  readonly der: Uint8Array;
  /** The subject Name, DER, copied unchanged into the certificate. */
  readonly subjectName: Uint8Array;
  /** The subject in RFC 2253 form. */
  readonly subjectDn: string;
  readonly subject: SubjectSummary;
  /** SubjectPublicKeyInfo, DER. */
  readonly publicKeyInfo: Uint8Array;
  readonly publicKey: KeyDescription;
}

/** Upper bounds of RFC 5280 Appendix A.1 for the attributes Portcullis writes. */
const SUBJECT_LIMITS = {
  commonName: 64,
  organization: 64,
  organizationalUnit: 64,
  locality: 128,
  state: 128,
} as const;

/**
 * Parses a PEM CSR, checks its key against the policy (RSA ≥ 2048 bits, EC P-256/P-384) and
 * verifies its self-signature, which proves the requester holds the private key (RFC 2986 §3).
 *
 * @throws PkiError `NOT_PEM`, `WRONG_PEM_TYPE`, `INPUT_TOO_LARGE` (over
 *   {@link MAX_CSR_PEM_LENGTH}), `MALFORMED`, `WEAK_KEY`, `UNSUPPORTED_KEY`, `BAD_SIGNATURE`
 *   (all prefixed `PORTCULLIS_ERR_PKI_`).
 */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  const what = 'the CSR';
  const der = decodePem(pem, PemLabel.CERTIFICATE_REQUEST, what, MAX_CSR_PEM_LENGTH);

  let subjectName: Uint8Array;
  let publicKeyInfo: Uint8Array;
  let attributes: NameAttribute[];
  let request: x509.Pkcs10CertificateRequest;
  try {
    const [info] = readChildren(readTop(der, Tag.SEQUENCE).content);
    const [, subject, spki] = readChildren(expectTag(info, Tag.SEQUENCE).content);
    subjectName = expectTag(subject, Tag.SEQUENCE).encoded;
    publicKeyInfo = expectTag(spki, Tag.SEQUENCE).encoded;
    attributes = readName(subjectName);
    request = new x509.Pkcs10CertificateRequest(der);
  } catch (err) {
    throw new PkiError('PORTCULLIS_ERR_PKI_MALFORMED', { what, cause: describeCause(err) });
  }

  const publicKey = checkAcceptedPublicKey(publicKeyInfo, what);
  let valid = false;
  try {
    valid = await request.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw new PkiError('PORTCULLIS_ERR_PKI_BAD_SIGNATURE', { what });

  return {
    pem: encodePem(der, PemLabel.CERTIFICATE_REQUEST),
    der,
    subjectName,
    subjectDn: formatRfc2253(attributes),
    subject: summarizeSubject(attributes),
    publicKeyInfo,
    publicKey,
  };
}

/** The API's subject fields of a name. */
export function summarizeSubject(attributes: readonly NameAttribute[]): SubjectSummary {
  const text = (oid: string) => attributeText(attributes, oid) ?? '';
  return {
    common_name: text(NameOid.COMMON_NAME),
    country: text(NameOid.COUNTRY),
    state: text(NameOid.STATE),
    location: text(NameOid.LOCALITY),
    organization: text(NameOid.ORGANIZATION),
    organizational_unit: text(NameOid.ORGANIZATIONAL_UNIT),
  };
}

/** A generated key pair with its CSR; the private key PEM is for the caller to hand out once. */
export interface GeneratedCsr {
  readonly keys: CryptoKeyPair;
  /** PKCS#8 PEM of the private key. */
  readonly privateKeyPem: string;
  readonly csrPem: string;
  readonly csr: ParsedCsr;
}

/**
 * Generates a key pair and a CSR for `subject`.
 *
 * @param options.algorithm - default `ecdsa-p256`.
 * @throws PkiError `PORTCULLIS_ERR_PKI_INVALID_SUBJECT` for an empty common name, a country
 *   that is not two letters, or a field over its RFC 5280 length.
 */
export async function generateKeyAndCsr(
  subject: SubjectInput,
  options: { algorithm?: KeyAlgorithm } = {},
): Promise<GeneratedCsr> {
  const name = buildName(subject);
  const keys = await generateKeyPair(options.algorithm ?? DEFAULT_KEY_ALGORITHM);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name(name),
    keys: keys as never,
    signingAlgorithm: signingAlgorithmFor(keys.privateKey),
  });
  const csrPem = encodePem(new Uint8Array(request.rawData), PemLabel.CERTIFICATE_REQUEST);
  return {
    keys,
    privateKeyPem: await exportPrivateKeyPem(keys.privateKey),
    csrPem,
    csr: await parseCsr(csrPem),
  };
}

/**
 * Encodes a Name (DER) from subject fields, most significant first (C, ST, L, O, OU, CN), the
 * order `openssl req` uses.
 */
export function buildName(subject: SubjectInput): Uint8Array {
  const invalid = (cause: string) => new PkiError('PORTCULLIS_ERR_PKI_INVALID_SUBJECT', { cause });
  if (typeof subject.commonName !== 'string' || subject.commonName.trim() === '') {
    throw invalid('the common name must not be empty');
  }
  const rdns: Uint8Array[] = [];
  if (subject.country !== undefined && subject.country !== '') {
    if (!/^[A-Z]{2}$/.test(subject.country)) {
      throw invalid(
        `the country must be two capital letters, got ${JSON.stringify(String(subject.country).slice(0, 8))}`,
      );
    }
    // X.520 countryName is a PrintableString of two characters (RFC 5280 Appendix A.1).
    rdns.push(rdn(NameOid.COUNTRY, encode(Tag.PRINTABLE_STRING, Buffer.from(subject.country))));
  }
  const fields: Array<[keyof typeof SUBJECT_LIMITS, string]> = [
    ['state', NameOid.STATE],
    ['locality', NameOid.LOCALITY],
    ['organization', NameOid.ORGANIZATION],
    ['organizationalUnit', NameOid.ORGANIZATIONAL_UNIT],
    ['commonName', NameOid.COMMON_NAME],
  ];
  for (const [field, attributeOid] of fields) {
    const value = subject[field];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || [...value].length > SUBJECT_LIMITS[field]) {
      throw invalid(`${field} must be a string of at most ${SUBJECT_LIMITS[field]} characters`);
    }
    // UTF8String, as RFC 5280 §4.1.2.4 asks of new certificates.
    rdns.push(rdn(attributeOid, encode(Tag.UTF8_STRING, Buffer.from(value, 'utf8'))));
  }
  return sequence(...rdns);
}

function rdn(attributeOid: string, value: Uint8Array): Uint8Array {
  return setOf(sequence(oid(attributeOid), value));
}
