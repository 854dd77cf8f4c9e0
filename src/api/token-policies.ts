import { createHash } from 'node:crypto';
import type { ApiToken, TokenPolicy } from '../store/index.ts';
import { ApiError } from './errors.ts';
import { RESOURCES } from './permissions.ts';

/**
 * Token policies in Cloudflare's shape, mapped onto Portcullis's {@link TokenPolicy}.
 *
 * A Cloudflare policy names permission groups and resources:
 * `{effect: "allow", permission_groups: [{id: "firewall:edit"}], resources:
 * {"com.cloudflare.api.account.zone.<zone id>": "*"}}`. Permission group ids are Portcullis's
 * permission names (`<resource>:read`, `<resource>:edit`, or `*`); resource keys are
 * `com.cloudflare.api.account.zone.<id>` (one zone), `com.cloudflare.api.account.<id>` (an
 * account and its zones), `com.cloudflare.api.account.*` or `*` (everything); the short forms
 * `zone:<id>` and `account:<id>` are taken too.
 */
export interface CloudflarePolicy {
  id?: string;
  effect: string;
  permission_groups: { id: string; name?: string; meta?: unknown }[];
  resources: Record<string, unknown>;
}

/** Every permission name a policy may grant. */
export const PERMISSION_NAMES: readonly string[] = [
  '*',
  ...RESOURCES.flatMap((r) => [`${r}:read`, `${r}:edit`]),
];

const ZONE_PREFIX = 'com.cloudflare.api.account.zone.';
const ACCOUNT_PREFIX = 'com.cloudflare.api.account.';

function scopeOf(key: string, value: unknown, pointer: string): string {
  if (value !== '*' && (typeof value !== 'object' || value === null)) {
    throw new ApiError('invalidRequest', `resource ${key} must map to "*"`, { pointer });
  }
  if (key === '*' || key === `${ACCOUNT_PREFIX}*` || key === `${ZONE_PREFIX}*`) return '*';
  if (key.startsWith(ZONE_PREFIX)) return `zone:${key.slice(ZONE_PREFIX.length)}`;
  if (key.startsWith(ACCOUNT_PREFIX)) return `account:${key.slice(ACCOUNT_PREFIX.length)}`;
  if (/^(zone|account):[A-Za-z0-9_-]+$/.test(key)) return key;
  throw new ApiError('invalidRequest', `resource ${key} is not one Portcullis knows`, { pointer });
}

function resourceKeyOf(scope: string): string {
  if (scope === '*') return `${ACCOUNT_PREFIX}*`;
  if (scope.startsWith('zone:')) return `${ZONE_PREFIX}${scope.slice(5)}`;
  return `${ACCOUNT_PREFIX}${scope.slice('account:'.length)}`;
}

/** Cloudflare-shaped policies as stored policies; anything unknown is refused. */
export function policiesFromCloudflare(policies: CloudflarePolicy[]): TokenPolicy[] {
  return policies.map((p, i) => {
    if (p.effect !== 'allow') {
      throw new ApiError('unsupportedValue', 'only policies with effect "allow" are supported', {
        pointer: `/policies/${i}/effect`,
      });
    }
    const permissions = p.permission_groups.map((g, j) => {
      if (!PERMISSION_NAMES.includes(g.id)) {
        throw new ApiError(
          'invalidRequest',
          `permission group ${g.id} is not one of ${PERMISSION_NAMES.join(', ')}`,
          { pointer: `/policies/${i}/permission_groups/${j}/id` },
        );
      }
      return g.id;
    });
    const scopes = Object.entries(p.resources).map(([key, value]) =>
      scopeOf(key, value, `/policies/${i}/resources`),
    );
    return { effect: 'allow', scopes, permissions };
  });
}

/** A stored policy in Cloudflare's shape, with a stable id derived from its content. */
export function policyView(policy: TokenPolicy) {
  const id = createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 32);
  return {
    id,
    effect: policy.effect,
    permission_groups: policy.permissions.map((p) => ({ id: p, name: p })),
    resources: Object.fromEntries(policy.scopes.map((s) => [resourceKeyOf(s), '*'])),
  };
}

function permissionCovers(held: readonly string[], wanted: string): boolean {
  if (held.includes('*') || held.includes(wanted)) return true;
  return wanted.endsWith(':read') && held.includes(wanted.replace(/:read$/, ':edit'));
}

/**
 * Whether `holder` may hand out `policies`: every scope and permission of them must be within
 * one of its own policies. Without this a token allowed to manage tokens could mint itself a
 * token for everything, or roll the admin token and read its new secret.
 */
export function canGrant(holder: Pick<ApiToken, 'policies'>, policies: TokenPolicy[]): boolean {
  return policies.every((wanted) =>
    wanted.scopes.every((scope) =>
      wanted.permissions.every((permission) =>
        holder.policies.some(
          (held) =>
            (held.scopes.includes('*') || held.scopes.includes(scope)) &&
            permissionCovers(held.permissions, permission),
        ),
      ),
    ),
  );
}
