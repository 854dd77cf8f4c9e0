/**
 * The edge's own server certificates: a built-in edge CA, and short-lived certificates it
 * issues for each proxied hostname. They are for local and test use — an operator who serves
 * real clients uploads a certificate from a public CA instead — so everything here favours
 * speed (ECDSA P-256) and simplicity over configurability.
 */
import { wholeSeconds, type SigningAuthority } from './certificate-authority.ts';
import { exportPrivateKeyPem, generateKeyPair, signingAlgorithmFor } from './keys.ts';
import { PemLabel, encodePem } from './pem.ts';
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
 * Creates the self-signed edge CA: `CN=Portcullis Edge CA, O=Portcullis`, cA with path length
 * 0, keyCertSign and cRLSign, and a subject key identifier.
 */
export async function createEdgeCa(now = new Date()): Promise<CreatedEdgeCa> {
  const keys = await generateKeyPair('ecdsa-p256');
  const notBefore = wholeSeconds(now);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=Portcullis Edge CA, O=Portcullis',
    notBefore,
    notAfter: new Date(notBefore.getTime() + EDGE_CA_VALIDITY_DAYS * 86_400_000),
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
  const certificateDer = new Uint8Array(cert.rawData);
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
