import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Host, Transaction, Zone } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { hostnameString, idString, pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const query = { type: 'object', properties: { mtls_certificate_id: idString } } as const;
const body = {
  type: 'object',
  properties: {
    hostnames: { type: 'array', maxItems: 1000, items: hostnameString },
    mtls_certificate_id: idString,
  },
} as const;

type Params = { zone_id: string };
interface AssociationsBody {
  hostnames?: string[];
  mtls_certificate_id?: string;
}

/**
 * `/zones/{zone_id}/certificate_authorities/hostname_associations`: which hosts of the zone
 * ask for a client certificate, and which CA they trust: exactly the hosts' `mtls_enabled` and
 * `certificate_authority_id`. Without `mtls_certificate_id` the CA is the account's managed
 * CA. PUT replaces the CA's list, as Cloudflare's does: hosts left out stop asking for a
 * certificate.
 */
export async function hostnameAssociationRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const path = '/zones/:zone_id/certificate_authorities/hostname_associations';
  const tags = ['client certificates'];
  const params = pathParams('zone_id');

  app.get(
    path,
    {
      schema: {
        tags,
        summary: 'List the hostnames that use a CA for mTLS',
        params,
        querystring: query,
      },
      config: { need: { resource: 'ssl', access: 'read' } },
    },
    async (request: FastifyRequest<{ Params: Params; Querystring: AssociationsBody }>) => {
      const zone = zoneOf(request);
      const hostnames = await store.transaction(async (tx) => {
        const caId = await caOf(tx, zone, request.query.mtls_certificate_id);
        return associated(await tx.listHosts(zone.id), caId);
      });
      return success({ hostnames });
    },
  );
  app.put(
    path,
    {
      schema: { tags, summary: 'Replace the hostnames that use a CA for mTLS', params, body },
      config: { need: { resource: 'ssl', access: 'edit' } },
    },
    async (request: FastifyRequest<{ Params: Params; Body: AssociationsBody }>) => {
      const zone = zoneOf(request);
      const hostnames = await store.transaction(async (tx) => {
        const caId = await caOf(tx, zone, request.body.mtls_certificate_id);
        const hosts = await tx.listHosts(zone.id);
        const wanted = wantedHostnames(zone, hosts, request.body.hostnames ?? []);
        const before = associated(hosts, caId);
        for (const host of hosts) {
          const on = wanted.has(host.hostname);
          if (on && !isAssociated(host, caId)) {
            await tx.updateHost(host.id, { mtlsEnabled: true, certificateAuthorityId: caId });
          } else if (!on && isAssociated(host, caId)) {
            await tx.updateHost(host.id, { mtlsEnabled: false, certificateAuthorityId: null });
          }
        }
        const after = associated(await tx.listHosts(zone.id), caId);
        await recordChange(tx, request, {
          accountId: zone.accountId,
          zoneId: zone.id,
          action: 'update',
          resourceType: 'hostname_associations',
          resourceId: caId ?? 'managed',
          before: { hostnames: before, mtls_certificate_id: caId },
          after: { hostnames: after, mtls_certificate_id: caId },
        });
        return after;
      });
      return success({ hostnames });
    },
  );
}

/** The CA id a host stores for the CA named: null for the managed CA. 404 for a stranger's. */
async function caOf(tx: Transaction, zone: Zone, id: string | undefined): Promise<string | null> {
  if (id === undefined) return null;
  const ca = await tx.getCertificateAuthority(id);
  if (!ca || ca.accountId !== zone.accountId) {
    throw new ApiError('notFound', `mTLS certificate ${id} does not exist`, {
      pointer: '/mtls_certificate_id',
    });
  }
  return ca.kind === 'managed' ? null : ca.id;
}

function isAssociated(host: Host, caId: string | null): boolean {
  return host.mtlsEnabled && host.certificateAuthorityId === caId;
}

function associated(hosts: Host[], caId: string | null): string[] {
  return hosts.filter((h) => isAssociated(h, caId)).map((h) => h.hostname);
}

/** The requested hostnames, each of which must be a host of the zone. */
function wantedHostnames(zone: Zone, hosts: Host[], requested: string[]): Set<string> {
  const known = new Set(hosts.map((h) => h.hostname));
  const wanted = new Set<string>();
  requested.forEach((name, i) => {
    const hostname = name.toLowerCase().replace(/\.$/, '');
    if (!known.has(hostname)) {
      throw new ApiError(
        'invalidRequest',
        `hostname ${hostname} is not a host of zone ${zone.name}: add it as a host first`,
        { pointer: `/hostnames/${i}` },
      );
    }
    wanted.add(hostname);
  });
  return wanted;
}
