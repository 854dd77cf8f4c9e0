import { PemLabel, decodePemAll, parseCrl } from '../pki/index.ts';
import { createHash } from 'node:crypto';
import {
  compileRuleset,
  listItemsOf,
  listNamesIn,
  parseExpression,
  type Expression,
  type ListItems,
} from '../rules/index.ts';
import type { CustomCertificate, Host, Rule, Store, Transaction, Zone } from '../store/index.ts';
import type {
  EdgeRule,
  EdgeSnapshot,
  HostSnapshot,
  IdentityHeaderSwitches,
  TrustedCa,
  ZoneSnapshot,
} from './snapshot.ts';

/** Where the edge's server certificates come from; issuing them is the edge's business. */
export interface ServerCertificateSource {
  /**
   * The certificate and key to present for `hostname`: one of the zone's `uploaded`
   * certificates (highest priority first) when one covers the name, else the source's own.
   */
  forHost(
    hostname: string,
    uploaded: readonly CustomCertificate[],
  ): Promise<{ certificatePem: string; privateKeyPem: string }>;
}

/** A snapshot, the revoked serials of every CA its hosts trust, and what it was built from. */
export interface BuiltConfiguration {
  snapshot: EdgeSnapshot;
  revoked: ReadonlyMap<string, readonly string[]>;
  /** The stored configuration behind the snapshot, kept so an edge can save it to disk. */
  data: ConfigurationData;
}

/** A stored rule that does not compile: the configuration is refused, not partly applied. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * One configuration version as stored, in plain data: what an edge reads from the store, and
 * what it keeps on local disk to start from while the store is unreachable. Building a
 * snapshot from it needs nothing else but the server certificates.
 */
export interface ConfigurationData {
  version: number;
  zones: { zone: Zone; rules: Rule[]; lists: ZoneLists }[];
  hosts: { host: Host; trusted: TrustedCa | undefined }[];
  /** Uploaded server certificates per zone id. */
  uploaded: Record<string, CustomCertificate[]>;
  /** Revoked serials per CA id, for every CA an mTLS host trusts. */
  revoked: Record<string, string[]>;
}

/**
 * Builds the edge's snapshot from the store, reading everything in one transaction so that
 * the snapshot is one consistent configuration version. Zones whose rules did not change since
 * `previous` keep their compiled rules: compiling is the expensive part of a rebuild.
 */
export async function buildConfiguration(
  store: Store,
  certificates: ServerCertificateSource,
  previous?: EdgeSnapshot,
): Promise<BuiltConfiguration> {
  return buildFromData(await readConfiguration(store), certificates, previous);
}

/** Builds a snapshot from stored configuration data, read now or loaded from disk. */
export async function buildFromData(
  data: ConfigurationData,
  certificates: ServerCertificateSource,
  previous?: EdgeSnapshot,
): Promise<BuiltConfiguration> {
  const zones = new Map<string, ZoneSnapshot>();
  for (const { zone, rules, lists } of data.zones) {
    zones.set(zone.id, zoneSnapshot(zone, rules, lists, previous?.zones.get(zone.id)));
  }
  const hosts = new Map<string, HostSnapshot>();
  for (const { host, trusted } of data.hosts) {
    const cert = await certificates.forHost(host.hostname, data.uploaded[host.zoneId] ?? []);
    hosts.set(host.hostname, {
      hostname: host.hostname,
      zoneId: host.zoneId,
      origin: new URL(host.origin),
      mtlsEnabled: host.mtlsEnabled,
      tls: { ...cert, clientCa: host.mtlsEnabled ? trusted : undefined },
      identityHeaders: identitySwitches(host),
    });
  }
  return {
    snapshot: { version: data.version, hosts, zones },
    revoked: new Map(Object.entries(data.revoked)),
    data,
  };
}

/** Reads one configuration version from the store, in one transaction. */
export function readConfiguration(store: Store): Promise<ConfigurationData> {
  return store.transaction(readAll);
}

async function readAll(tx: Transaction): Promise<ConfigurationData> {
  const version = await tx.configVersion();
  const zones: ConfigurationData['zones'] = [];
  const listCache = new Map<string, ListItems | null>();
  const hosts: Host[] = [];
  const uploaded: Record<string, CustomCertificate[]> = {};
  for (let page = 1; ; page++) {
    const batch = (await tx.listZones({ page, perPage: 500 })).items;
    if (batch.length === 0) break;
    for (const zone of batch) {
      const rules = await tx.listRules(zone.id);
      zones.push({ zone, rules, lists: await listsFor(tx, zone, rules, listCache) });
      hosts.push(...(await tx.listHosts(zone.id)));
      uploaded[zone.id] = await tx.listCustomCertificates(zone.id);
    }
  }
  const accountOf = new Map(zones.map(({ zone }) => [zone.id, zone.accountId]));
  const cas = new Map<string, TrustedCa>();
  const managedCa = new Map<string, TrustedCa | undefined>();
  for (const accountId of new Set(accountOf.values())) {
    const list = await tx.listCertificateAuthorities(accountId);
    for (const ca of list) cas.set(ca.id, { id: ca.id, pem: ca.certificatePem });
    const managed = list.find((ca) => ca.kind === 'managed');
    managedCa.set(accountId, managed && cas.get(managed.id));
  }
  const trustedCaFor = (host: Host): TrustedCa | undefined =>
    host.certificateAuthorityId !== null
      ? cas.get(host.certificateAuthorityId)
      : managedCa.get(accountOf.get(host.zoneId) ?? '');
  const revoked: Record<string, string[]> = {};
  const withCa = hosts.map((host) => ({
    host,
    trusted: host.mtlsEnabled ? trustedCaFor(host) : undefined,
  }));
  for (const { trusted } of withCa) {
    if (trusted && !(trusted.id in revoked)) {
      revoked[trusted.id] = await revokedSerialsOf(tx, trusted.id);
    }
  }
  return { version, zones, hosts: withCa, revoked, uploaded };
}

/**
 * Every serial revoked under one CA: the certificates it issued that are revoked or pending
 * revocation, and for an uploaded CA the entries of the CRL uploaded for it. The edge calls
 * this alone when only certificates or a CA's CRL changed, without rebuilding the snapshot.
 */
export async function revokedSerialsOf(tx: Transaction, caId: string): Promise<string[]> {
  const ca = await tx.getCertificateAuthority(caId);
  if (!ca) return [];
  const serials = await tx.listRevokedSerials(caId);
  if (ca.kind !== 'uploaded' || !ca.crlDer) return serials;
  const trusted = { id: ca.id, pem: ca.certificatePem };
  return [...serials, ...(await uploadedCrlSerials(ca.crlDer, trusted))];
}

/**
 * The serials of the CRL uploaded for an uploaded CA. The API verified it against the CA on
 * upload; it is verified again so that only a CRL the CA signed ever revokes anything.
 * TODO(perf): the CRL is parsed and verified on every rebuild, not only when it changes.
 */
async function uploadedCrlSerials(der: Uint8Array, ca: TrustedCa): Promise<string[]> {
  const what = `certificate authority ${ca.id}`;
  for (const caDer of decodePemAll(ca.pem, PemLabel.CERTIFICATE, what)) {
    try {
      return (await parseCrl(der, caDer)).entries.map((e) => e.serialNumber);
    } catch {
      // Another certificate of the bundle may be the one that issued the CRL.
    }
  }
  throw new ConfigurationError(`the CRL stored for ${what} is not signed by it`);
}

/** The named lists a zone's rules use, with what identifies their current content. */
export interface ZoneLists {
  items: Record<string, ListItems>;
  /** Changes whenever a list the rules use changes. */
  signature: string;
}

/** Loads the lists the zone's rules name, from the zone's account, once per build. */
async function listsFor(
  tx: Transaction,
  zone: Zone,
  rules: readonly Rule[],
  cache: Map<string, ListItems | null>,
): Promise<ZoneLists> {
  const items: Record<string, ListItems> = {};
  const parts: string[] = [];
  for (const name of new Set(rules.flatMap((r) => listNamesIn(r.expression)))) {
    const key = `${zone.accountId}/${name}`;
    if (!cache.has(key)) {
      const list = await tx.getListByName(zone.accountId, name);
      cache.set(key, list ? listItemsOf(list.kind, await tx.listItemValues(list.id)) : null);
    }
    const found = cache.get(key);
    if (found) {
      items[name] = found;
      parts.push(`${name}#${digest(found)}`);
    }
  }
  return { items, signature: parts.join(',') };
}

/** Identifies a list's content, so that a change recompiles the rules that use it. */
function digest(items: ListItems): string {
  return createHash('sha256').update(items.join('\n')).digest('base64url');
}

function zoneSnapshot(
  zone: Zone,
  stored: Rule[],
  lists: ZoneLists,
  previous?: ZoneSnapshot,
): ZoneSnapshot {
  const signature = `${stored.map((r) => `${r.id}@${r.version}`).join(',')}|${lists.signature}`;
  if (previous && previous.signature === signature) {
    return { ...previous, name: zone.name, paused: zone.paused };
  }
  const rules: EdgeRule[] = stored.map((r) => ({
    id: r.id,
    action: r.action,
    enabled: r.enabled,
    expression: compile(zone, r, lists.items),
    description: r.description,
    actionParameters: r.actionParameters,
  }));
  return {
    id: zone.id,
    name: zone.name,
    paused: zone.paused,
    rules,
    evaluate: compileRuleset(rules),
    signature,
  };
}

function compile(zone: Zone, rule: Rule, lists: Record<string, ListItems>): Expression {
  try {
    return parseExpression(rule.expression, { lists });
  } catch (err) {
    throw new ConfigurationError(
      `compiling rule ${rule.id} of zone ${zone.name}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function identitySwitches(host: Host): IdentityHeaderSwitches {
  const given = host.identityHeaders;
  return {
    rfc9440: given.rfc9440 ?? host.mtlsEnabled,
    xfcc: given.xfcc ?? false,
    cfCert: given.cf_cert ?? false,
  };
}
