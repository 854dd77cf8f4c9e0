import type { TLSSocket } from 'node:tls';
import type { HostSnapshot, TrustedCa } from '../config/index.ts';
import {
  decodePem,
  PemLabel,
  readClientCertificate,
  type ClientCertificate,
} from '../pki/index.ts';

/**
 * Why a client certificate was or was not accepted. `verified` means the chain is valid up
 * to a CA the host trusts; revocation is decided per request, not here.
 */
export type ClientAuthReason =
  | 'not_requested'
  | 'no_certificate'
  | 'verified'
  | 'unknown_ca'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'wrong_key_usage'
  | 'invalid_certificate';

/** The outcome of client authentication, kept on the connection for every request. */
export interface ConnectionAuth {
  readonly reason: ClientAuthReason;
  readonly presented: boolean;
  readonly verified: boolean;
  /** The presented certificate, read lazily into rule fields. */
  readonly certificate: ClientCertificate | undefined;
  /** The CA that verified it; revocation is looked up under this CA. */
  readonly caId: string | undefined;
}

const NOT_REQUESTED: ConnectionAuth = Object.freeze({
  reason: 'not_requested',
  presented: false,
  verified: false,
  certificate: undefined,
  caId: undefined,
});

// OpenSSL's verification errors (X509_V_ERR_*, as node names them) by what they mean to an
// operator reading a denial.
const REASONS: Readonly<Record<string, ClientAuthReason>> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not_yet_valid',
  CERT_SIGNATURE_FAILURE: 'bad_signature',
  INVALID_PURPOSE: 'wrong_key_usage',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown_ca',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'unknown_ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown_ca',
};

/**
 * Reads the result of client authentication from a finished handshake. OpenSSL has already
 * verified the chain against the host's CA (the handshake never fails for it: a missing or
 * bad certificate must reach the rules, as on Cloudflare); this turns its verdict into a
 * reason and reads the certificate. A resumed session carries the verdict and certificate of
 * the handshake that created it, on this host only (each host has its own session keys).
 */
export function readConnectionAuth(
  socket: TLSSocket,
  host: HostSnapshot | undefined,
): ConnectionAuth {
  if (!host?.mtlsEnabled) return NOT_REQUESTED;
  const peer = socket.getPeerX509Certificate();
  if (!peer) return { ...NOT_REQUESTED, reason: 'no_certificate' };
  let certificate: ClientCertificate | undefined;
  try {
    const ca = host.tls.clientCa && trustedCaDer(host.tls.clientCa);
    const chain = chainOf(socket).filter((der) => !ca || !Buffer.from(der).equals(ca));
    certificate = readClientCertificate(new Uint8Array(peer.raw), chain, ca);
  } catch {
    return { ...NOT_REQUESTED, reason: 'invalid_certificate', presented: true };
  }
  const verified = socket.authorized;
  const error = socket.authorizationError as unknown as string | undefined;
  return {
    reason: verified ? 'verified' : (REASONS[error ?? ''] ?? 'invalid_certificate'),
    presented: true,
    verified,
    certificate,
    caId: host.tls.clientCa?.id,
  };
}

const caDer = new WeakMap<TrustedCa, Uint8Array | undefined>();

/** The trusted CA's own certificate (the first of its PEM), the usual direct issuer. */
function trustedCaDer(ca: TrustedCa): Uint8Array | undefined {
  if (!caDer.has(ca)) {
    let der: Uint8Array | undefined;
    try {
      der = decodePem(ca.pem, PemLabel.CERTIFICATE, 'the trusted CA');
    } catch {
      der = undefined;
    }
    caDer.set(ca, der);
  }
  return caDer.get(ca);
}

/**
 * The certificates after the leaf: OpenSSL's verified path, from which the trusted CA is
 * removed by the caller. Node exposes no other view of what the client sent, so an
 * intermediate the client omitted but the store supplied would appear here.
 */
function chainOf(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let cert = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert?.issuerCertificate && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    const next = cert.issuerCertificate;
    if (next.fingerprint256 === cert.fingerprint256) break; // a self-signed root ends the path
    chain.push(new Uint8Array(next.raw));
    cert = next;
  }
  return chain;
}
