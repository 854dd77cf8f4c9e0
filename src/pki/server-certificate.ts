/**
 * The edge's own server certificates: a built-in edge CA, and short-lived certificates it
 * issues for each proxied hostname. They are for local and test use — an operator who serves
 * real clients uploads a certificate from a public CA instead — so everything here favours
 * speed (ECDSA P-256) and simplicity over configurability.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { selfSignedCa, wholeSeconds, type SigningAuthority } from './certificate-authority.ts';
import { describeClientCertificate } from './certificate-metadata.ts';
import { PkiError } from './errors.ts';
import { exportPrivateKeyPem, generateKeyPair, signingAlgorithmFor } from './keys.ts';
import { PemLabel, decodePemAll, encodePem } from './pem.ts';
import { randomSerial } from './serial.ts';
import { x509 } from './webcrypto.ts';

/** Lifetime of the edge CA: 10 years. */
export const EDGE_CA_VALIDITY_DAYS = 3650;

/** Lifetime of a host certificate: 90 days, renewed whenever the edge starts. */
export const SERVER_CERTIFICATE_VALIDITY_DAYS = 90;

/** A newly created edge CA, with its key as PKCS#8 PEM for sealing. */
export interface CreatedEdgeCa {
  readonly certificatePem: string;
  readonly certificateDer: Uint8Array;
  readonly privateKeyPem: string;
}

/** A server certificate and its key, both PEM, ready for `tls.createSecureContext`. */
export interface ServerCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/**
 * Creates the self-signed edge CA, `CN=Portcullis Edge CA, O=Portcullis`, with the profile of
 * {@link selfSignedCa}.
 */
export async function createEdgeCa(now = new Date()): Promise<CreatedEdgeCa> {
  const keys = await generateKeyPair('ecdsa-p256');
  const notBefore = wholeSeconds(now);
  const notAfter = new Date(notBefore.getTime() + EDGE_CA_VALIDITY_DAYS * 86_400_000);
  const name = 'CN=Portcullis Edge CA, O=Portcullis';
  const certificateDer = await selfSignedCa(name, keys, notBefore, notAfter);
  return {
    certificatePem: encodePem(certificateDer, PemLabel.CERTIFICATE),
    certificateDer,
    privateKeyPem: await exportPrivateKeyPem(keys.privateKey),
  };
}

/**
 * Issues a TLS server certificate for `hostnames` (the first is the subject's CN; all go into
 * subjectAltName, which is what clients check, RFC 6125 §6.4.4), with serverAuth and
 * digitalSignature, valid from a minute ago for {@link SERVER_CERTIFICATE_VALIDITY_DAYS}.
 */
export async function issueServerCertificate(
  authority: SigningAuthority,
  hostnames: readonly string[],
  now = new Date(),
): Promise<ServerCertificate> {
  const first = hostnames[0];
  if (first === undefined) throw new Error('issuing a server certificate: no hostname given');
  const keys = await generateKeyPair('ecdsa-p256');
  const ca = new x509.X509Certificate(authority.certificateDer as never);
  const notBefore = new Date(wholeSeconds(now).getTime() - 60_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${first.replace(/[,+"\\<>;=]/g, '')}`,
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + SERVER_CERTIFICATE_VALIDITY_DAYS * 86_400_000),
    publicKey: keys.publicKey as never,
    signingKey: authority.privateKey as never,
    signingAlgorithm: signingAlgorithmFor(authority.privateKey),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(hostnames.map((h) => ({ type: 'dns', value: h }))),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  return {
    certificatePem: encodePem(new Uint8Array(cert.rawData), PemLabel.CERTIFICATE),
    privateKeyPem: await exportPrivateKeyPem(keys.privateKey),
  };
}

/** An uploaded server certificate that passed the checks, ready to store. */
export interface CheckedServerCertificate {
  /** The leaf followed by its chain, as canonical PEM. */
  readonly certificatePem: string;
  /** The private key, PKCS#8 DER, for sealing. */
  readonly privateKeyDer: Uint8Array;
  /** DNS names from subjectAltName, lowercased; wildcards kept as `*.example.com`. */
  readonly hosts: readonly string[];
  readonly issuer: string;
  readonly signature: string;
  readonly expiresOn: string;
}

/**
 * Checks a server certificate and key uploaded for the edge: PEM certificates (leaf first),
 * a PKCS#8 or traditional PEM key that belongs to the leaf, a leaf that is valid now and names
 * at least one DNS host in subjectAltName (RFC 6125 §6.4.4: clients ignore the CN).
 *
 * @throws PkiError `NOT_PEM`, `WRONG_PEM_TYPE`, `CERTIFICATE_EXPIRED`,
 *   `CERTIFICATE_NOT_YET_VALID` and `INVALID_ARGUMENT` for a key that does not match or a
 *   certificate without DNS names.
 */
export function checkServerCertificate(
  certificatePem: string,
  privateKeyPem: string,
  now = new Date(),
): CheckedServerCertificate {
  const ders = decodePemAll(certificatePem, PemLabel.CERTIFICATE, 'the certificate');
  const invalid = (cause: string) =>
    new PkiError('PORTCULLIS_ERR_PKI_INVALID_ARGUMENT', {
      doing: 'checking the certificate',
      cause,
    });
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(Buffer.from(ders[0]!));
  } catch {
    throw invalid('the first PEM block is not a readable certificate');
  }
  const serial = leaf.serialNumber.toUpperCase();
  if (Date.parse(leaf.validTo) <= now.getTime()) {
    throw new PkiError('PORTCULLIS_ERR_PKI_CERTIFICATE_EXPIRED', {
      serial,
      notAfter: leaf.validTo,
    });
  }
  if (Date.parse(leaf.validFrom) > now.getTime()) {
    throw new PkiError('PORTCULLIS_ERR_PKI_CERTIFICATE_NOT_YET_VALID', {
      serial,
      notBefore: leaf.validFrom,
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw invalid('the private key is not a readable unencrypted PEM key');
  }
  if (!leaf.checkPrivateKey(key))
    throw invalid(`the private key does not belong to certificate ${serial}`);
  const hosts = (leaf.subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
  if (hosts.length === 0)
    throw invalid(`certificate ${serial} names no DNS host in subjectAltName`);
  return {
    certificatePem: ders.map((der) => encodePem(der, PemLabel.CERTIFICATE)).join(''),
    privateKeyDer: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })),
    hosts,
    issuer: leaf.issuer.split('\n').reverse().join(','),
    signature: describeClientCertificate(ders[0]!).signature,
    expiresOn: new Date(leaf.validTo).toISOString().replace(/\.000Z$/, 'Z'),
  };
}

/**
 * Whether `hostname` is covered by a certificate name: equal, or matching a wildcard in the
 * left-most label only, which matches exactly one label (RFC 6125 §6.4.3).
 */
export function certificateCovers(name: string, hostname: string): boolean {
  if (name === hostname) return true;
  if (!name.startsWith('*.')) return false;
  const dot = hostname.indexOf('.');
  return dot > 0 && hostname.slice(dot + 1) === name.slice(2);
}
