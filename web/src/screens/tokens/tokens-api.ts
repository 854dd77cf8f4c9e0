/** The `/user/tokens` routes as the API Tokens screen calls them. */
import { api } from '../../api/client.ts';

/** A token policy in Cloudflare's shape, as the API takes and returns it. */
export interface TokenPolicy {
  id?: string;
  effect: 'allow';
  permission_groups: { id: string; name?: string }[];
  resources: Record<string, '*'>;
}

export interface ApiToken {
  id: string;
  name: string;
  status: 'active' | 'disabled' | 'expired';
  issued_on: string;
  modified_on: string;
  expires_on?: string;
  last_used_on?: string;
  policies: TokenPolicy[];
}

/** A permission preset: a name for people, the permission groups for the API. */
export interface Preset {
  id: string;
  label: string;
  description: string;
  permissions: string[];
}

/**
 * The presets of the Create dialog. Each maps onto Portcullis's permission names
 * (`<resource>:read` or `:edit`, see docs/api.md); edit includes read.
 */
export const PRESETS: Preset[] = [
  {
    id: 'read',
    label: 'Read only',
    description: 'Reads zones, hosts, rules, lists, certificates, events and the audit log.',
    permissions: [
      'zone:read',
      'host:read',
      'firewall:read',
      'ssl:read',
      'lists:read',
      'events:read',
      'audit:read',
    ],
  },
  {
    id: 'firewall',
    label: 'Edit firewall rules',
    description:
      'Writes firewall rules and lists, reads zones, hosts and events: for CI that deploys rules.',
    permissions: ['firewall:edit', 'lists:edit', 'zone:read', 'host:read', 'events:read'],
  },
  {
    id: 'certificates',
    label: 'Manage client certificates',
    description:
      'Issues, revokes and restores client certificates and edits mTLS hostnames: for device provisioning.',
    permissions: ['ssl:edit', 'zone:read', 'host:read'],
  },
  {
    id: 'events',
    label: 'Read firewall events',
    description: 'Reads firewall events and analytics: for monitoring and SIEM exports.',
    permissions: ['events:read', 'zone:read'],
  },
  {
    id: 'admin',
    label: 'Administrator',
    description: 'Everything, including tokens. Managing tokens needs the scope All accounts.',
    permissions: ['*'],
  },
];

const ACCOUNT = 'com.cloudflare.api.account.';
const ZONE = 'com.cloudflare.api.account.zone.';

/** The resource key of a scope: every account, one account, or one zone. */
export function resourceKey(scope: { kind: 'all' } | { kind: 'account' | 'zone'; id: string }) {
  if (scope.kind === 'all') return `${ACCOUNT}*`;
  return scope.kind === 'zone' ? `${ZONE}${scope.id}` : `${ACCOUNT}${scope.id}`;
}

/** A policy's resources in words, with names where the dashboard knows them. */
export function describeResources(
  resources: Record<string, unknown>,
  names: Map<string, string>,
): string {
  return Object.keys(resources)
    .map((key) => {
      if (key === '*' || key === `${ACCOUNT}*` || key === `${ZONE}*`) return 'all accounts';
      if (key.startsWith(ZONE)) {
        const id = key.slice(ZONE.length);
        return `zone ${names.get(id) ?? id}`;
      }
      if (key.startsWith(ACCOUNT)) {
        const id = key.slice(ACCOUNT.length);
        return `account ${names.get(id) ?? id}`;
      }
      return key;
    })
    .join(', ');
}

export const tokensApi = {
  list(page: number, perPage: number, signal?: AbortSignal) {
    return api.page<ApiToken>('/user/tokens', { query: { page, per_page: perPage }, signal });
  },
  current(signal?: AbortSignal) {
    return api.get<{ id: string }>('/user/tokens/verify', { signal });
  },
  create(body: { name: string; policies: TokenPolicy[]; expires_on?: string }) {
    return api.post<ApiToken & { value: string }>('/user/tokens', body);
  },
  /** Turns a token on or off; the API wants its name and policies again. */
  setStatus(token: ApiToken, status: 'active' | 'disabled') {
    return api.put<ApiToken>(`/user/tokens/${token.id}`, {
      name: token.name,
      policies: token.policies,
      status,
    });
  },
  roll(id: string) {
    return api.put<string>(`/user/tokens/${id}/value`, {});
  },
  remove(id: string) {
    return api.delete<{ id: string }>(`/user/tokens/${id}`);
  },
};
