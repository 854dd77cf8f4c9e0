import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validateUploadedCa } from '../../pki/index.ts';
import type { CertificateAuthority, Host, Store, Transaction } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { mtlsCertificateView } from '../client-certificate-view.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { pointing } from '../pki-errors.ts';
import { guardRoutes } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const createBody = {
  type: 'object',
  required: ['ca', 'certificates'],
  properties: {
    ca: { type: 'boolean' },
    certificates: { type: 'string' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    private_key: { type: 'string' },
  },
} as const;

const listQuery = {
  type: 'object',
  properties: { type: { type: 'array', items: { type: 'string' } } },
} as const;

interface CreateBody {
  ca: boolean;
  certificates: string;
  name?: string;
  private_key?: string;
}

type AccountParams = { account_id: string };
type CaParams = { account_id: string; mtls_certificate_id: string };
const tags = ['mtls certificates'];

/**
 * `/accounts/{account_id}/mtls_certificates`: CAs that operators upload (bring your own CA),
 * in Cloudflare's shapes so that `client.mtlsCertificates.*` works. Only CA certificates are
 * taken: Portcullis uses them to verify clients, never to present a certificate itself.
 */
export async function mtlsCertificateRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const read = { resource: 'ssl', access: 'read' } as const;
  const edit = { resource: 'ssl', access: 'edit' } as const;
  const accountParams = pathParams('account_id');
  const params = pathParams('account_id', 'mtls_certificate_id');
  const path = '/accounts/:account_id/mtls_certificates';

  app.post(
    path,
    {
      schema: { tags, summary: 'Upload a CA', params: accountParams, body: createBody },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Params: AccountParams; Body: CreateBody }>) =>
      success(mtlsCertificateView(await uploadCa(store, request))),
  );
  app.get(
    path,
    {
      schema: { tags, summary: 'List uploaded CAs', params: accountParams, querystring: listQuery },
      config: { need: read },
    },
    async (
      request: FastifyRequest<{ Params: AccountParams; Querystring: { type?: string[] } }>,
    ) => {
      const types = request.query.type;
      if (types && !types.includes('custom')) return success([]);
      const cas = await store.listCertificateAuthorities(request.params.account_id);
      return success(cas.filter((ca) => ca.kind === 'uploaded').map(mtlsCertificateView));
    },
  );
  app.get(
    `${path}/:mtls_certificate_id`,
    { schema: { tags, summary: 'Get an uploaded CA', params }, config: { need: read } },
    async (request: FastifyRequest<{ Params: CaParams }>) =>
      success(mtlsCertificateView(await uploadedCaOf(store, request.params))),
  );
  app.delete(
    `${path}/:mtls_certificate_id`,
    {
      schema: { tags, summary: 'Delete an uploaded CA no hostname uses', params },
      config: { need: edit },
    },
    deleteCa(store),
  );
  app.get(
    `${path}/:mtls_certificate_id/associations`,
    {
      schema: { tags, summary: 'List the hostnames that use an uploaded CA', params },
      config: { need: read },
    },
    listAssociations(store),
  );
}

function deleteCa(store: Store) {
  return async (request: FastifyRequest<{ Params: CaParams }>) => {
    const deleted = await store.transaction(async (tx) => {
      const ca = await uploadedCaOf(tx, request.params);
      // The store refuses with a conflict (409) while a host still trusts the CA.
      await tx.deleteCertificateAuthority(ca.id);
      await recordChange(tx, request, {
        accountId: ca.accountId,
        action: 'delete',
        resourceType: 'mtls_certificate',
        resourceId: ca.id,
        before: auditView(ca),
      });
      return ca;
    });
    return success(mtlsCertificateView(deleted));
  };
}

/**
 * The hosts that trust the CA, as Cloudflare's certificate associations (`service`,
 * `status`) with the hostname and zone added: `active` while the host asks for certificates.
 */
function listAssociations(store: Store) {
  return async (request: FastifyRequest<{ Params: CaParams }>) => {
    const hosts = await store.transaction(async (tx) =>
      hostsUsing(tx, await uploadedCaOf(tx, request.params)),
    );
    return success(
      hosts.map((h) => ({
        service: 'mtls',
        status: h.mtlsEnabled ? 'active' : 'inactive',
        hostname: h.hostname,
        zone_id: h.zoneId,
      })),
    );
  };
}

async function uploadCa(
  store: Store,
  request: FastifyRequest<{ Params: AccountParams; Body: CreateBody }>,
): Promise<CertificateAuthority> {
  const body = request.body;
  if (body.ca !== true) {
    throw new ApiError('unsupportedValue', 'only CA certificates can be uploaded: send ca: true', {
      pointer: '/ca',
    });
  }
  if (body.private_key !== undefined) {
    throw new ApiError(
      'unsupportedValue',
      'an uploaded CA is only used to verify clients: send it without its private key',
      { pointer: '/private_key' },
    );
  }
  const uploaded = await pointing('/certificates', () => validateUploadedCa(body.certificates));
  return store.transaction(async (tx) => {
    const ca = await tx.createCertificateAuthority({
      accountId: request.params.account_id,
      kind: 'uploaded',
      name: body.name ?? uploaded.metadata.subject,
      certificatePem: uploaded.certificates,
      sealedPrivateKey: null,
    });
    await recordChange(tx, request, {
      accountId: ca.accountId,
      action: 'create',
      resourceType: 'mtls_certificate',
      resourceId: ca.id,
      after: auditView(ca),
    });
    return ca;
  });
}

/** The uploaded CA of the path, which must belong to the account of the path; 404 otherwise. */
export async function uploadedCaOf(
  tx: Pick<Transaction, 'getCertificateAuthority'>,
  params: CaParams,
): Promise<CertificateAuthority> {
  const ca = await tx.getCertificateAuthority(params.mtls_certificate_id);
  if (!ca || ca.kind !== 'uploaded' || ca.accountId !== params.account_id) {
    throw new ApiError(
      'notFound',
      `mTLS certificate ${params.mtls_certificate_id} does not exist in account ${params.account_id}`,
    );
  }
  return ca;
}

/** Every host of the CA's account that names the CA. */
async function hostsUsing(tx: Transaction, ca: CertificateAuthority): Promise<Host[]> {
  const found: Host[] = [];
  for (let page = 1; ; page++) {
    const zones = (await tx.listZones({ accountId: ca.accountId, page, perPage: 500 })).items;
    if (zones.length === 0) return found;
    for (const zone of zones) {
      found.push(
        ...(await tx.listHosts(zone.id)).filter((h) => h.certificateAuthorityId === ca.id),
      );
    }
  }
}

/** What the audit log keeps of an uploaded CA: its description, not the PEM bundle. */
function auditView(ca: CertificateAuthority) {
  const { certificates: _pem, ...rest } = mtlsCertificateView(ca);
  return rest;
}
