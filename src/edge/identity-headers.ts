import type { IdentityHeaderSwitches } from '../config/index.ts';
import type { TlsClientAuthValues } from '../pki/index.ts';
import { encodePem, PemLabel, type ClientCertificate } from '../pki/index.ts';

/**
 * Headers that carry a client's identity to the origin. A client must never be able to set
 * them itself, so every incoming copy is removed on every request, whether or not the host
 * sends them: otherwise a client without a certificate could claim any identity.
 */
export function isIdentityHeader(lowercaseName: string): boolean {
  return (
    lowercaseName === 'client-cert' ||
    lowercaseName === 'client-cert-chain' ||
    lowercaseName === 'x-forwarded-client-cert' ||
    lowercaseName.startsWith('cf-cert-') ||
    lowercaseName === 'cf-client-cert' ||
    lowercaseName === 'ssl-client-cert'
  );
}

/** Per-field headers, `cf-cert-<field>`, for origins that want plain values. */
const CF_CERT_HEADERS: readonly [string, keyof TlsClientAuthValues][] = [
  ['cf-cert-presented', 'cf.tls_client_auth.cert_presented'],
  ['cf-cert-verified', 'cf.tls_client_auth.cert_verified'],
  ['cf-cert-revoked', 'cf.tls_client_auth.cert_revoked'],
  ['cf-cert-subject-dn', 'cf.tls_client_auth.cert_subject_dn'],
  ['cf-cert-issuer-dn', 'cf.tls_client_auth.cert_issuer_dn'],
  ['cf-cert-serial', 'cf.tls_client_auth.cert_serial'],
  ['cf-cert-issuer-serial', 'cf.tls_client_auth.cert_issuer_serial'],
  ['cf-cert-fingerprint-sha256', 'cf.tls_client_auth.cert_fingerprint_sha256'],
  ['cf-cert-fingerprint-sha1', 'cf.tls_client_auth.cert_fingerprint_sha1'],
  ['cf-cert-not-before', 'cf.tls_client_auth.cert_not_before'],
  ['cf-cert-not-after', 'cf.tls_client_auth.cert_not_after'],
  ['cf-cert-ski', 'cf.tls_client_auth.cert_ski'],
  ['cf-cert-issuer-ski', 'cf.tls_client_auth.cert_issuer_ski'],
];

/**
 * The identity headers for one request. Only a verified, unrevoked certificate is forwarded:
 * an origin behind Portcullis may take these headers as proof, so they must never describe a
 * certificate the edge did not accept (RFC 9440 §2.2 leaves that to the proxy's policy).
 * `cf-cert-*` headers, when on, always say whether a certificate was presented and verified.
 */
export function identityHeaders(
  switches: IdentityHeaderSwitches,
  fields: TlsClientAuthValues,
  certificate: ClientCertificate | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  const accepted =
    certificate !== undefined &&
    fields['cf.tls_client_auth.cert_verified'] === true &&
    fields['cf.tls_client_auth.cert_revoked'] === false;
  if (switches.cfCert) {
    for (const [header, field] of CF_CERT_HEADERS) {
      const value = fields[field];
      if (typeof value === 'boolean') out[header] = value ? '1' : '0';
      else if (accepted && value !== '') out[header] = headerSafe(value);
    }
  }
  if (!accepted) return out;
  if (switches.rfc9440) {
    const leaf = fields['cf.tls_client_auth.cert_rfc9440'];
    const chain = fields['cf.tls_client_auth.cert_chain_rfc9440'];
    if (typeof leaf === 'string' && leaf !== '') out['client-cert'] = leaf;
    if (typeof chain === 'string' && chain !== '') out['client-cert-chain'] = chain;
  }
  if (switches.xfcc) out['x-forwarded-client-cert'] = xfcc(fields, certificate);
  return out;
}

/**
 * Envoy's `X-Forwarded-Client-Cert`: `Hash` (SHA-256 of the DER, hex), `Cert` (URL-encoded
 * PEM) and `Subject` (quoted, with `"` and `\` escaped), the keys Envoy's users read most.
 */
function xfcc(fields: TlsClientAuthValues, certificate: ClientCertificate): string {
  const hash = fields['cf.tls_client_auth.cert_fingerprint_sha256'] as string;
  const subject = (fields['cf.tls_client_auth.cert_subject_dn'] as string).replace(
    /["\\]/g,
    (c) => `\\${c}`,
  );
  const pem = encodeURIComponent(encodePem(certificate.der, PemLabel.CERTIFICATE));
  return `Hash=${hash};Cert="${pem}";Subject="${headerSafe(subject)}"`;
}

/**
 * Header values may hold only visible ASCII safely, but a DN can hold control characters or
 * any UTF-8 text; those bytes are written as RFC 4514 `\hh` escapes.
 */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join(''),
  );
}
