import type { CompiledRuleset, Rule as CompiledRule } from '../rules/index.ts';
import type { Rule as StoredRule } from '../store/index.ts';

/** Which identity headers a host sends to its origin. */
export interface IdentityHeaderSwitches {
  /** RFC 9440 `Client-Cert` and `Client-Cert-Chain`. On by default for mTLS hosts. */
  rfc9440: boolean;
  /** Envoy's `X-Forwarded-Client-Cert`. */
  xfcc: boolean;
  /** One `cf-cert-*` header per certificate field. */
  cfCert: boolean;
}

/** A CA a host trusts for client certificates. */
export interface TrustedCa {
  id: string;
  /** PEM of the CA certificate(s). */
  pem: string;
}

/** The TLS material of a host: what the edge's per-host TLS server is built from. */
export interface HostTls {
  certificatePem: string;
  privateKeyPem: string;
  /** Present when the host asks for a client certificate. */
  clientCa: TrustedCa | undefined;
}

/** One proxied hostname, as the edge serves it. Immutable. */
export interface HostSnapshot {
  hostname: string;
  zoneId: string;
  origin: URL;
  mtlsEnabled: boolean;
  tls: HostTls;
  identityHeaders: IdentityHeaderSwitches;
}

/** A rule as compiled for the edge: the engine's rule plus what the edge answers with. */
export interface EdgeRule extends CompiledRule {
  readonly description: string;
  readonly actionParameters: StoredRule['actionParameters'];
}

/** A zone's rules, compiled into one function. */
export interface ZoneSnapshot {
  id: string;
  name: string;
  paused: boolean;
  rules: readonly EdgeRule[];
  evaluate: CompiledRuleset<EdgeRule>;
  /** Identifies the rules this was compiled from, to reuse it when they have not changed. */
  signature: string;
}

/**
 * Everything an edge needs to serve requests, at one configuration version. It is never
 * changed once built: a change builds a new snapshot and the edge swaps it in whole, so a
 * request sees the old configuration or the new one, never a mix. (Revocations are the one
 * exception, kept apart in {@link RevokedSet}, because they must reach open connections.)
 */
export interface EdgeSnapshot {
  version: number;
  hosts: ReadonlyMap<string, HostSnapshot>;
  zones: ReadonlyMap<string, ZoneSnapshot>;
}
