/**
 * The 21 `cf.tls_client_auth.*` fields as one plain record, the shape the edge hands to the
 * rules engine. The certificate-derived values come from {@link ClientCertificate}; the three
 * booleans describe the connection and are decided by the edge.
 */
import type { ClientCertificate } from './client-certificate.ts';

/** Every `cf.tls_client_auth.*` field name, in Cloudflare's documentation order. */
export const TLS_CLIENT_AUTH_FIELDS = [
  'cf.tls_client_auth.cert_presented',
  'cf.tls_client_auth.cert_verified',
  'cf.tls_client_auth.cert_revoked',
  'cf.tls_client_auth.cert_issuer_dn',
  'cf.tls_client_auth.cert_subject_dn',
  'cf.tls_client_auth.cert_issuer_dn_rfc2253',
  'cf.tls_client_auth.cert_subject_dn_rfc2253',
  'cf.tls_client_auth.cert_issuer_dn_legacy',
  'cf.tls_client_auth.cert_subject_dn_legacy',
  'cf.tls_client_auth.cert_serial',
  'cf.tls_client_auth.cert_issuer_serial',
  'cf.tls_client_auth.cert_fingerprint_sha256',
  'cf.tls_client_auth.cert_fingerprint_sha1',
  'cf.tls_client_auth.cert_not_before',
  'cf.tls_client_auth.cert_not_after',
  'cf.tls_client_auth.cert_ski',
  'cf.tls_client_auth.cert_issuer_ski',
  'cf.tls_client_auth.cert_rfc9440',
  'cf.tls_client_auth.cert_rfc9440_too_large',
  'cf.tls_client_auth.cert_chain_rfc9440',
  'cf.tls_client_auth.cert_chain_rfc9440_too_large',
] as const;

/** A `cf.tls_client_auth.*` field name. */
export type TlsClientAuthField = (typeof TLS_CLIENT_AUTH_FIELDS)[number];

const BOOLEAN_FIELDS: ReadonlySet<TlsClientAuthField> = new Set([
  'cf.tls_client_auth.cert_presented',
  'cf.tls_client_auth.cert_verified',
  'cf.tls_client_auth.cert_revoked',
  'cf.tls_client_auth.cert_rfc9440_too_large',
  'cf.tls_client_auth.cert_chain_rfc9440_too_large',
]);

/** Every field with its value: booleans for the five flags, strings for the rest. */
export type TlsClientAuthValues = { readonly [K in TlsClientAuthField]: string | boolean };

/** What the edge knows about the connection, beyond the certificate itself. */
export interface ClientAuthState {
  /** The client sent a certificate (valid or not). */
  readonly presented: boolean;
  /** The certificate chains to a CA trusted for the host. Cloudflare keeps this true for a
   * valid but revoked certificate. */
  readonly verified: boolean;
  /** The certificate is verified and its serial is in the revoked set. */
  readonly revoked: boolean;
}

/** True for the five boolean fields. */
export function isBooleanField(field: TlsClientAuthField): boolean {
  return BOOLEAN_FIELDS.has(field);
}

/**
 * The values for a connection without mTLS (or without a certificate): every field `false`
 * or `""`, as Cloudflare documents for all 21 fields.
 */
export function noClientAuthFields(): TlsClientAuthValues {
  const values: Record<string, string | boolean> = {};
  for (const field of TLS_CLIENT_AUTH_FIELDS) values[field] = isBooleanField(field) ? false : '';
  return values as TlsClientAuthValues;
}

/**
 * Every field for a connection. With no certificate it is {@link noClientAuthFields}; with
 * one, the string fields come from `cert` (computed now, so the record is plain data) and the
 * flags from `state`. `cert_verified` is false unless presented, `cert_revoked` unless verified.
 */
export function fieldsFor(
  cert: ClientCertificate | undefined,
  state: ClientAuthState,
): TlsClientAuthValues {
  if (cert === undefined) return noClientAuthFields();
  const presented = state.presented;
  const verified = presented && state.verified;
  return {
    'cf.tls_client_auth.cert_presented': presented,
    'cf.tls_client_auth.cert_verified': verified,
    'cf.tls_client_auth.cert_revoked': verified && state.revoked,
    'cf.tls_client_auth.cert_issuer_dn': cert.issuerDn,
    'cf.tls_client_auth.cert_subject_dn': cert.subjectDn,
    'cf.tls_client_auth.cert_issuer_dn_rfc2253': cert.issuerDnRfc2253,
    'cf.tls_client_auth.cert_subject_dn_rfc2253': cert.subjectDnRfc2253,
    'cf.tls_client_auth.cert_issuer_dn_legacy': cert.issuerDnLegacy,
    'cf.tls_client_auth.cert_subject_dn_legacy': cert.subjectDnLegacy,
    'cf.tls_client_auth.cert_serial': cert.serial,
    'cf.tls_client_auth.cert_issuer_serial': cert.issuerSerial,
    'cf.tls_client_auth.cert_fingerprint_sha256': cert.fingerprintSha256,
    'cf.tls_client_auth.cert_fingerprint_sha1': cert.fingerprintSha1,
    'cf.tls_client_auth.cert_not_before': cert.notBefore,
    'cf.tls_client_auth.cert_not_after': cert.notAfter,
    'cf.tls_client_auth.cert_ski': cert.ski,
    'cf.tls_client_auth.cert_issuer_ski': cert.issuerSki,
    'cf.tls_client_auth.cert_rfc9440': cert.rfc9440,
    'cf.tls_client_auth.cert_rfc9440_too_large': cert.rfc9440TooLarge,
    'cf.tls_client_auth.cert_chain_rfc9440': cert.chainRfc9440,
    'cf.tls_client_auth.cert_chain_rfc9440_too_large': cert.chainRfc9440TooLarge,
  };
}
