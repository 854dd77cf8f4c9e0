/** The hosts and custom certificates routes as the Hosts screen calls them. */
import { api, fetchAll } from '../../api/client.ts';
import type { Host } from '../../api/types.ts';

/** A server certificate uploaded for the zone (Cloudflare's custom certificate). */
export interface CustomCertificate {
  id: string;
  hosts: string[];
  issuer: string;
  signature: string;
  status: 'active' | 'expired';
  priority: number;
  uploaded_on: string;
  expires_on: string;
}

/** What a host may be created or edited with. */
export interface HostFields {
  hostname?: string;
  origin?: string;
  mtls_enabled?: boolean;
  identity_headers?: Record<IdentityHeader, boolean>;
}

/** The formats in which the edge forwards a verified client's identity to the origin. */
export type IdentityHeader = 'rfc9440' | 'xfcc' | 'cf_cert';

export const IDENTITY_HEADERS: { key: IdentityHeader; label: string; byDefault: boolean }[] = [
  { key: 'rfc9440', label: 'Client-Cert and Client-Cert-Chain (RFC 9440)', byDefault: true },
  { key: 'xfcc', label: 'X-Forwarded-Client-Cert (Envoy)', byDefault: false },
  { key: 'cf_cert', label: 'cf-cert-* (one header per certificate field)', byDefault: false },
];

/** Whether a host forwards a header format: its own switch, else the edge's default. */
export function headerOn(host: Host, key: IdentityHeader): boolean {
  return host.identity_headers[key] ?? IDENTITY_HEADERS.find((h) => h.key === key)!.byDefault;
}

/** Whether a certificate name covers a hostname: the name itself, or `*.` one label up. */
function covers(name: string, hostname: string): boolean {
  if (name === hostname) return true;
  if (!name.startsWith('*.')) return false;
  const dot = hostname.indexOf('.');
  return dot > 0 && hostname.slice(dot + 1) === name.slice(2);
}

/**
 * The uploaded certificate the edge presents for a hostname, as the edge picks it: the
 * highest priority among those unexpired that cover the name. None means the built-in CA's.
 */
export function certificateFor(
  hostname: string,
  certs: CustomCertificate[],
): CustomCertificate | undefined {
  return [...certs]
    .sort((a, b) => b.priority - a.priority)
    .find((c) => Date.parse(c.expires_on) > Date.now() && c.hosts.some((n) => covers(n, hostname)));
}

const base = (zoneId: string) => `/zones/${zoneId}/hosts`;

export const hostsApi = {
  list(zoneId: string, page: number, perPage: number, signal?: AbortSignal) {
    return api.page<Host>(base(zoneId), { query: { page, per_page: perPage }, signal });
  },
  create(zoneId: string, fields: HostFields) {
    return api.post<Host>(base(zoneId), fields);
  },
  edit(zoneId: string, id: string, fields: HostFields) {
    return api.patch<Host>(`${base(zoneId)}/${id}`, fields);
  },
  remove(zoneId: string, id: string) {
    return api.delete<{ id: string }>(`${base(zoneId)}/${id}`);
  },
  certificates(zoneId: string) {
    return fetchAll<CustomCertificate>(`/zones/${zoneId}/custom_certificates`);
  },
};
