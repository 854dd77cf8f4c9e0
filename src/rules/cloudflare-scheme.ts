import { Scheme, type FieldDeclaration } from './scheme.ts';

const MTLS = 'false or "" when the connection did not use mTLS';

function mtls(type: string, description: string): FieldDeclaration {
  return { type, description: `${description}; ${MTLS}` };
}

/**
 * The `cf.tls_client_auth.*` fields: the 21 fields Cloudflare documents for mutual TLS.
 * Booleans are false and strings empty when the connection did not use mTLS.
 */
export const TLS_CLIENT_AUTH_FIELDS: Readonly<Record<string, FieldDeclaration>> = {
  'cf.tls_client_auth.cert_presented': mtls('Bool', 'the client presented a certificate'),
  'cf.tls_client_auth.cert_verified': mtls(
    'Bool',
    'the certificate is valid (also true when it is valid but revoked)',
  ),
  'cf.tls_client_auth.cert_revoked': mtls('Bool', 'the certificate is valid but revoked'),
  'cf.tls_client_auth.cert_issuer_dn': mtls('Bytes', 'issuer distinguished name'),
  'cf.tls_client_auth.cert_subject_dn': mtls('Bytes', 'subject distinguished name'),
  'cf.tls_client_auth.cert_issuer_dn_rfc2253': mtls('Bytes', 'issuer DN in RFC 2253 form'),
  'cf.tls_client_auth.cert_subject_dn_rfc2253': mtls('Bytes', 'subject DN in RFC 2253 form'),
  'cf.tls_client_auth.cert_issuer_dn_legacy': mtls('Bytes', 'issuer DN in OpenSSL oneline form'),
  'cf.tls_client_auth.cert_subject_dn_legacy': mtls('Bytes', 'subject DN in OpenSSL oneline form'),
  'cf.tls_client_auth.cert_serial': mtls('Bytes', 'serial number, uppercase hex'),
  'cf.tls_client_auth.cert_issuer_serial': mtls('Bytes', 'serial number of the direct issuer'),
  'cf.tls_client_auth.cert_fingerprint_sha256': mtls('Bytes', 'SHA-256 fingerprint, lowercase hex'),
  'cf.tls_client_auth.cert_fingerprint_sha1': mtls('Bytes', 'SHA-1 fingerprint, lowercase hex'),
  'cf.tls_client_auth.cert_not_before': mtls(
    'Bytes',
    'start of validity, "Mar 21 13:35:00 2022 GMT"',
  ),
  'cf.tls_client_auth.cert_not_after': mtls('Bytes', 'end of validity'),
  'cf.tls_client_auth.cert_ski': mtls('Bytes', 'subject key identifier, uppercase hex'),
  'cf.tls_client_auth.cert_issuer_ski': mtls('Bytes', 'subject key identifier of the issuer'),
  'cf.tls_client_auth.cert_rfc9440': mtls(
    'Bytes',
    'leaf certificate as an RFC 9440 Client-Cert value',
  ),
  'cf.tls_client_auth.cert_rfc9440_too_large': mtls('Bool', 'the leaf is over 10 KiB encoded'),
  'cf.tls_client_auth.cert_chain_rfc9440': mtls(
    'Bytes',
    'intermediates as RFC 9440 Client-Cert-Chain',
  ),
  'cf.tls_client_auth.cert_chain_rfc9440_too_large': mtls(
    'Bool',
    'the chain is over 16 KiB encoded',
  ),
};

/** The request fields the Portcullis edge fills. */
export const REQUEST_FIELDS: Readonly<Record<string, FieldDeclaration>> = {
  'http.host': { type: 'Bytes', description: 'Host header' },
  'http.request.uri': { type: 'Bytes', description: 'path and query' },
  'http.request.uri.path': { type: 'Bytes', description: 'path' },
  'http.request.uri.path.extension': { type: 'Bytes', description: 'lowercased extension' },
  'http.request.uri.query': { type: 'Bytes', description: 'query string without "?"' },
  'http.request.uri.args': { type: 'Map<Array<Bytes>>', description: 'query arguments' },
  'http.request.uri.args.names': { type: 'Array<Bytes>', description: 'query argument names' },
  'http.request.uri.args.values': { type: 'Array<Bytes>', description: 'query argument values' },
  'http.request.full_uri': { type: 'Bytes', description: 'scheme, host, path and query' },
  'http.request.method': { type: 'Bytes', description: 'method, uppercase' },
  'http.request.version': { type: 'Bytes', description: 'protocol version, "HTTP/1.1"' },
  'http.request.headers': { type: 'Map<Array<Bytes>>', description: 'headers, names lowercased' },
  'http.request.headers.names': { type: 'Array<Bytes>', description: 'header names as sent' },
  'http.request.headers.values': { type: 'Array<Bytes>', description: 'header values' },
  'http.request.headers.truncated': { type: 'Bool', description: 'too many headers to list' },
  'http.request.cookies': { type: 'Map<Array<Bytes>>', description: 'cookies, names decoded' },
  'http.request.accepted_languages': { type: 'Array<Bytes>', description: 'Accept-Language' },
  'http.cookie': { type: 'Bytes', description: 'whole Cookie header' },
  'http.referer': { type: 'Bytes', description: 'Referer header' },
  'http.user_agent': { type: 'Bytes', description: 'User-Agent header' },
  'http.x_forwarded_for': { type: 'Bytes', description: 'X-Forwarded-For header' },
  'http.request.timestamp.sec': { type: 'Int', description: 'arrival time, UNIX seconds' },
  'http.request.timestamp.msec': { type: 'Int', description: 'milliseconds part, 0-999' },
  'raw.http.request.uri': { type: 'Bytes', description: 'path and query as received' },
  'raw.http.request.uri.path': { type: 'Bytes', description: 'path as received' },
  'raw.http.request.uri.query': { type: 'Bytes', description: 'query as received' },
  'raw.http.request.full_uri': { type: 'Bytes', description: 'full URI as received' },
  'raw.http.request.uri.args': { type: 'Map<Array<Bytes>>', description: 'arguments as received' },
  'raw.http.request.uri.args.names': { type: 'Array<Bytes>', description: 'argument names' },
  'raw.http.request.uri.args.values': { type: 'Array<Bytes>', description: 'argument values' },
  'ip.src': { type: 'Ip', description: 'client IP address' },
  ssl: { type: 'Bool', description: 'the client connection is encrypted' },
  'cf.tls_version': { type: 'Bytes', description: 'TLS version, "TLSv1.3"' },
  'cf.tls_cipher': { type: 'Bytes', description: 'cipher suite' },
  'cf.edge.server_ip': { type: 'Ip', description: 'edge address the client connected to' },
  'cf.edge.server_port': { type: 'Int', description: 'edge port the client connected to' },
  'cf.ray_id': { type: 'Bytes', description: 'request id' },
};

/**
 * The Cloudflare scheme as far as Portcullis can fill it honestly: the mTLS fields and the
 * request fields. Geolocation, bot and threat fields are absent on purpose: an expression
 * using them is rejected rather than silently never matching.
 */
export const cloudflareScheme: Scheme = new Scheme({
  ...TLS_CLIENT_AUTH_FIELDS,
  ...REQUEST_FIELDS,
});
