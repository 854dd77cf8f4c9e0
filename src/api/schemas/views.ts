import type { Account, Host, Zone } from '../../store/index.ts';

/** Accounts, zones and hosts as the API writes them; Cloudflare's fields where it has them. */

/** An account in Cloudflare's shape. */
export function accountView(account: Account) {
  return {
    id: account.id,
    name: account.name,
    type: 'standard',
    created_on: account.createdOn,
    settings: { enforce_twofactor: false },
  };
}

/** A zone in Cloudflare's shape; the fields Portcullis has no use for have fixed values. */
export function zoneView(zone: Zone, account?: Account) {
  return {
    id: zone.id,
    name: zone.name,
    account: { id: zone.accountId, name: account?.name ?? '' },
    status: 'active',
    paused: zone.paused,
    type: 'full',
    created_on: zone.createdOn,
    modified_on: zone.modifiedOn,
    activated_on: zone.createdOn,
    development_mode: 0,
    meta: {},
    name_servers: [],
    original_dnshost: null,
    original_name_servers: null,
    original_registrar: null,
    owner: { id: null, name: null, type: 'user' },
    plan: { id: 'portcullis', name: 'Portcullis', price: 0, currency: 'USD', is_subscribed: true },
    permissions: [],
  };
}

/** A host: Portcullis's own resource, in the snake_case of the rest of the API. */
export function hostView(host: Host) {
  return {
    id: host.id,
    zone_id: host.zoneId,
    hostname: host.hostname,
    origin: host.origin,
    mtls_enabled: host.mtlsEnabled,
    certificate_authority_id: host.certificateAuthorityId,
    identity_headers: host.identityHeaders,
    created_on: host.createdOn,
    modified_on: host.modifiedOn,
  };
}
