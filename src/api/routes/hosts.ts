import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Host, HostPatch, Store, Transaction, Zone } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import {
  hostnameString,
  idString,
  pageQuery,
  pathParams,
  type PageParams,
} from '../schemas/common.ts';
import { hostView } from '../schemas/views.ts';
import type { RouteContext } from './index.ts';

const hostFields = {
  hostname: hostnameString,
  origin: { type: 'string', minLength: 1, maxLength: 2048 },
  mtls_enabled: { type: 'boolean' },
  certificate_authority_id: { anyOf: [idString, { type: 'null' }] },
  // The formats the edge can forward identity in (see docs/edge.md); an unknown key is refused
  // rather than dropped, so that a typo does not silently leave a header off.
  identity_headers: {
    type: 'object',
    propertyNames: { enum: ['rfc9440', 'xfcc', 'cf_cert'] },
    additionalProperties: { type: 'boolean' },
  },
} as const;

const createBody = {
  type: 'object',
  required: ['hostname', 'origin'],
  properties: hostFields,
} as const;
const editBody = { type: 'object', properties: hostFields } as const;

interface HostBody {
  hostname?: string;
  origin?: string;
  mtls_enabled?: boolean;
  certificate_authority_id?: string | null;
  identity_headers?: Record<string, boolean>;
}

type HostParams = { zone_id: string; host_id: string };
const tags = ['hosts'];

/**
 * `/zones/{zone_id}/hosts`: Portcullis's own resource, the proxied hostnames of a zone and
 * the origins they forward to. A hostname belongs to its zone: it is the zone's name or ends
 * with `.<zone name>`.
 */
export async function hostRoutes(app: FastifyInstance, { store }: RouteContext): Promise<void> {
  guardRoutes(app, store);
  const read = { resource: 'host', access: 'read' } as const;
  const edit = { resource: 'host', access: 'edit' } as const;
  const zoneParams = pathParams('zone_id');
  const hostParams = pathParams('zone_id', 'host_id');

  app.post(
    '/zones/:zone_id/hosts',
    {
      schema: { tags, summary: 'Create a host', params: zoneParams, body: createBody },
      config: { need: edit },
    },
    createHost(store),
  );
  app.get(
    '/zones/:zone_id/hosts',
    {
      schema: { tags, summary: 'List hosts', params: zoneParams, querystring: pageQuery },
      config: { need: read },
    },
    listHosts(store),
  );
  app.get(
    '/zones/:zone_id/hosts/:host_id',
    { schema: { tags, summary: 'Get a host', params: hostParams }, config: { need: read } },
    async (request: FastifyRequest<{ Params: HostParams }>) =>
      success(hostView(await hostOf(store, request.params))),
  );
  app.patch(
    '/zones/:zone_id/hosts/:host_id',
    {
      schema: { tags, summary: 'Edit a host', params: hostParams, body: editBody },
      config: { need: edit },
    },
    editHost(store),
  );
  app.delete(
    '/zones/:zone_id/hosts/:host_id',
    { schema: { tags, summary: 'Delete a host', params: hostParams }, config: { need: edit } },
    deleteHost(store),
  );
}

function createHost(store: Store) {
  return async (request: FastifyRequest<{ Params: { zone_id: string }; Body: HostBody }>) => {
    const zone = zoneOf(request);
    const host = await store.transaction(async (tx) => {
      const fields = await checkedFields(tx, zone, request.body);
      const created = await tx.createHost({
        zoneId: zone.id,
        hostname: fields.hostname!,
        origin: fields.origin!,
        ...fields,
      });
      await recordChange(tx, request, {
        accountId: zone.accountId,
        zoneId: zone.id,
        action: 'create',
        resourceType: 'host',
        resourceId: created.id,
        after: hostView(created),
      });
      return created;
    });
    return success(hostView(host));
  };
}

function listHosts(store: Store) {
  return async (
    request: FastifyRequest<{ Params: { zone_id: string }; Querystring: PageParams }>,
  ) => {
    const { page, per_page: perPage } = request.query;
    const all = await store.listHosts(zoneOf(request).id);
    const items = all.slice((page - 1) * perPage, page * perPage);
    return success(items.map(hostView), pageInfo(page, perPage, items.length, all.length));
  };
}

function editHost(store: Store) {
  return async (request: FastifyRequest<{ Params: HostParams; Body: HostBody }>) => {
    const zone = zoneOf(request);
    const host = await store.transaction(async (tx) => {
      const before = await hostOf(tx, request.params);
      const after = await tx.updateHost(before.id, await checkedFields(tx, zone, request.body));
      await recordChange(tx, request, {
        accountId: zone.accountId,
        zoneId: zone.id,
        action: 'update',
        resourceType: 'host',
        resourceId: before.id,
        before: hostView(before),
        after: hostView(after),
      });
      return after;
    });
    return success(hostView(host));
  };
}

function deleteHost(store: Store) {
  return async (request: FastifyRequest<{ Params: HostParams }>) => {
    const zone = zoneOf(request);
    const id = await store.transaction(async (tx) => {
      const before = await hostOf(tx, request.params);
      await tx.deleteHost(before.id);
      await recordChange(tx, request, {
        accountId: zone.accountId,
        zoneId: zone.id,
        action: 'delete',
        resourceType: 'host',
        resourceId: before.id,
        before: hostView(before),
      });
      return before.id;
    });
    return success({ id });
  };
}

/** The host of the path, which must belong to the zone of the path. */
async function hostOf(tx: Pick<Transaction, 'getHost'>, params: HostParams): Promise<Host> {
  const host = await tx.getHost(params.host_id);
  if (!host || host.zoneId !== params.zone_id) {
    throw new ApiError(
      'notFound',
      `host ${params.host_id} does not exist in zone ${params.zone_id}`,
    );
  }
  return host;
}

/** The body as a store patch, after the checks a schema cannot make. */
async function checkedFields(tx: Transaction, zone: Zone, body: HostBody): Promise<HostPatch> {
  const patch: HostPatch = {};
  if (body.hostname !== undefined) {
    const hostname = body.hostname.toLowerCase().replace(/\.$/, '');
    if (hostname !== zone.name && !hostname.endsWith(`.${zone.name}`)) {
      throw new ApiError(
        'invalidRequest',
        `hostname ${hostname} is not in zone ${zone.name}: use ${zone.name} or a subdomain of it`,
        { pointer: '/hostname' },
      );
    }
    patch.hostname = hostname;
  }
  if (body.origin !== undefined) patch.origin = checkedOrigin(body.origin);
  if (body.mtls_enabled !== undefined) patch.mtlsEnabled = body.mtls_enabled;
  if (body.identity_headers !== undefined) patch.identityHeaders = body.identity_headers;
  if (body.certificate_authority_id !== undefined) {
    const caId = body.certificate_authority_id;
    const ca = caId === null ? undefined : await tx.getCertificateAuthority(caId);
    if (caId !== null && ca?.accountId !== zone.accountId) {
      throw new ApiError('notFound', `certificate authority ${caId} does not exist`, {
        pointer: '/certificate_authority_id',
      });
    }
    patch.certificateAuthorityId = caId;
  }
  return patch;
}

/** An origin is an absolute http or https URL without credentials, query or fragment. */
function checkedOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ApiError('invalidRequest', `origin ${text} is not a URL`, { pointer: '/origin' });
  }
  const problem =
    url.protocol !== 'http:' && url.protocol !== 'https:'
      ? 'must start with http:// or https://'
      : url.username || url.password
        ? 'must not carry credentials'
        : url.search || url.hash
          ? 'must not have a query or fragment'
          : undefined;
  if (problem) {
    throw new ApiError('invalidRequest', `origin ${text} ${problem}`, { pointer: '/origin' });
  }
  return text.replace(/\/+$/, '');
}
