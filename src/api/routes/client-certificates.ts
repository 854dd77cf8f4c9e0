import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_VALIDITY_DAYS,
  checkValidityDays,
  exportPrivateKeyDer,
  generateKeyAndCsr,
  parseCsr,
  parseKeyAlgorithm,
  type ParsedCsr,
} from '../../pki/index.ts';
import type {
  CertificateAuthority,
  ClientCertificate,
  ClientCertificateStatus,
  Store,
  Zone,
} from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import {
  TRANSITIONS,
  certificateOf,
  changeStatus,
  settleLater,
  settlePending,
  type StatusContext,
} from '../certificate-status.ts';
import { clientCertificateAuditView, clientCertificateView } from '../client-certificate-view.ts';
import { pageInfo, success } from '../envelope.ts';
import { issueAndStore } from '../managed-ca.ts';
import { pointing } from '../pki-errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { pageQueryProperties, pathParams, type PageParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const STATUSES = ['active', 'pending_reactivation', 'pending_revocation', 'revoked'] as const;

const createBody = {
  type: 'object',
  required: ['csr', 'validity_days'],
  properties: { csr: { type: 'string' }, validity_days: { type: 'number' } },
} as const;

const subjectText = (max: number) => ({ type: 'string', maxLength: max }) as const;
const generateBody = {
  type: 'object',
  required: ['common_name'],
  properties: {
    common_name: subjectText(64),
    organization: subjectText(64),
    organizational_unit: subjectText(64),
    country: subjectText(2),
    state: subjectText(128),
    location: subjectText(128),
    validity_days: { type: 'number' },
    key_type: { type: 'string' },
  },
} as const;

const listQuery = {
  type: 'object',
  properties: {
    ...pageQueryProperties,
    status: { type: 'string', enum: ['all', ...STATUSES], default: 'all' },
  },
} as const;

const editBody = { type: 'object', properties: { reactivate: { type: 'boolean' } } } as const;

interface CreateBody {
  csr: string;
  validity_days: number;
}

interface GenerateBody {
  common_name: string;
  organization?: string;
  organizational_unit?: string;
  country?: string;
  state?: string;
  location?: string;
  validity_days?: number;
  key_type?: string;
}

type ZoneParams = { zone_id: string };
type CertParams = { zone_id: string; client_certificate_id: string };
const tags = ['client certificates'];

/**
 * `/zones/{zone_id}/client_certificates`: certificates from the account's managed CA, in
 * Cloudflare's shapes so that `client.clientCertificates.*` works, plus Portcullis's
 * `…/generate` for the dashboard's "generate private key and CSR for me". Certificates are
 * never deleted: DELETE revokes, PATCH `{reactivate: true}` restores.
 */
export async function clientCertificateRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
): Promise<void> {
  guardRoutes(app, ctx.store);
  const read = { resource: 'ssl', access: 'read' } as const;
  const edit = { resource: 'ssl', access: 'edit' } as const;
  const params = pathParams('zone_id');
  const one = pathParams('zone_id', 'client_certificate_id');
  const status: StatusContext = { ...ctx, log: app.log };
  app.addHook('onReady', async () => {
    await settlePending(status).catch((err: unknown) =>
      app.log.warn({ err }, 'pending client certificates not scheduled to settle'),
    );
  });
  const path = '/zones/:zone_id/client_certificates';
  const route = (summary: string, schema: object) => ({ tags, summary, ...schema });

  app.post(
    path,
    {
      schema: route('Issue a client certificate from a CSR', { params, body: createBody }),
      config: { need: edit },
    },
    createFromCsr(ctx),
  );
  app.post(
    `${path}/generate`,
    {
      schema: route('Generate a key and a CSR and issue a certificate for them', {
        params,
        body: generateBody,
      }),
      config: { need: edit },
    },
    createWithKey(ctx),
  );
  app.get(
    path,
    {
      schema: route('List client certificates', { params, querystring: listQuery }),
      config: { need: read },
    },
    listCertificates(status),
  );
  app.get(
    `${path}/:client_certificate_id`,
    { schema: route('Get a client certificate', { params: one }), config: { need: read } },
    async (request: FastifyRequest<{ Params: CertParams }>) => {
      const id = request.params.client_certificate_id;
      const { cert, ca } = await certificateOf(ctx.store, zoneOf(request), id);
      settleLater(status, cert);
      return success(clientCertificateView(cert, ca));
    },
  );
  app.delete(
    `${path}/:client_certificate_id`,
    { schema: route('Revoke a client certificate', { params: one }), config: { need: edit } },
    async (request: FastifyRequest<{ Params: CertParams }>) => {
      const id = request.params.client_certificate_id;
      const changed = await changeStatus(status, request, zoneOf(request), id, TRANSITIONS.revoke);
      return success(clientCertificateView(changed.cert, changed.ca));
    },
  );
  app.patch(
    `${path}/:client_certificate_id`,
    {
      schema: route('Restore a revoked client certificate', { params: one, body: editBody }),
      config: { need: edit },
    },
    reactivate(status),
  );
}

function createFromCsr(ctx: RouteContext) {
  return async (request: FastifyRequest<{ Params: ZoneParams; Body: CreateBody }>) => {
    const csr = await pointing('/csr', () => parseCsr(request.body.csr));
    const days = request.body.validity_days;
    await pointing('/validity_days', () => checkValidityDays(days));
    const issued = await issue(ctx, request, csr, days);
    return success(clientCertificateView(issued.cert, issued.ca));
  };
}

function createWithKey(ctx: RouteContext) {
  return async (request: FastifyRequest<{ Params: ZoneParams; Body: GenerateBody }>) => {
    const body = request.body;
    const days = body.validity_days ?? DEFAULT_VALIDITY_DAYS;
    await pointing('/validity_days', () => checkValidityDays(days));
    const algorithm = await pointing('/key_type', () =>
      parseKeyAlgorithm(body.key_type ?? DEFAULT_KEY_ALGORITHM),
    );
    const generated = await generateKeyAndCsr(subjectOf(body), { algorithm });
    const key = await exportPrivateKeyDer(generated.keys.privateKey);
    const issued = await issue(ctx, request, generated.csr, days, key);
    // The one answer that shows the key; the bundle download is the only other way to get it.
    return success({
      ...clientCertificateView(issued.cert, issued.ca),
      private_key: generated.privateKeyPem,
    });
  };
}

function listCertificates(ctx: StatusContext) {
  return async (
    request: FastifyRequest<{ Params: ZoneParams; Querystring: PageParams & { status: string } }>,
  ) => {
    const { page, per_page: perPage, status } = request.query;
    const found = await ctx.store.listClientCertificates({
      zoneId: zoneOf(request).id,
      ...(status === 'all' ? {} : { status: status as ClientCertificateStatus }),
      page,
      perPage,
    });
    for (const cert of found.items) settleLater(ctx, cert);
    const views = await viewsOf(ctx.store, found.items);
    return success(views, pageInfo(page, perPage, views.length, found.total));
  };
}

function reactivate(ctx: StatusContext) {
  return async (
    request: FastifyRequest<{ Params: CertParams; Body: { reactivate?: boolean } }>,
  ) => {
    const zone = zoneOf(request);
    const id = request.params.client_certificate_id;
    // Cloudflare's client sends `{}` when `reactivate` is left out: that changes nothing.
    const { cert, ca } =
      request.body.reactivate === true
        ? await changeStatus(ctx, request, zone, id, TRANSITIONS.reactivate)
        : await certificateOf(ctx.store, zone, id);
    return success(clientCertificateView(cert, ca));
  };
}

/** Issues from the zone account's managed CA, storing the certificate with its audit entry. */
async function issue(
  ctx: RouteContext,
  request: FastifyRequest<{ Params: ZoneParams }>,
  csr: ParsedCsr,
  validityDays: number,
  generatedKey?: Uint8Array,
): Promise<{ cert: ClientCertificate; ca: CertificateAuthority }> {
  const zone: Zone = zoneOf(request);
  const baseUrl = ctx.publicBaseUrl();
  return ctx.store.transaction(async (tx) => {
    const cert = await issueAndStore(tx, {
      zone,
      csr,
      validityDays,
      masterKey: ctx.masterKey,
      ...(generatedKey ? { generatedKey } : {}),
      ...(baseUrl ? { crlBaseUrl: baseUrl } : {}),
    });
    const { ca } = await certificateOf(tx, zone, cert.id);
    await recordChange(tx, request, {
      accountId: zone.accountId,
      zoneId: zone.id,
      action: 'create',
      resourceType: 'client_certificate',
      resourceId: cert.id,
      after: clientCertificateAuditView(cert, ca),
    });
    return { cert, ca };
  });
}

function subjectOf(body: GenerateBody) {
  return {
    commonName: body.common_name,
    ...(body.organization ? { organization: body.organization } : {}),
    ...(body.organizational_unit ? { organizationalUnit: body.organizational_unit } : {}),
    ...(body.country ? { country: body.country } : {}),
    ...(body.state ? { state: body.state } : {}),
    ...(body.location ? { locality: body.location } : {}),
  };
}

/** Views of certificates, reading each issuing CA once. */
async function viewsOf(store: Store, certs: ClientCertificate[]) {
  const cas = new Map<string, CertificateAuthority | undefined>();
  for (const id of new Set(certs.map((c) => c.certificateAuthorityId))) {
    cas.set(id, await store.getCertificateAuthority(id));
  }
  return certs.map((c) => {
    const ca = cas.get(c.certificateAuthorityId);
    return clientCertificateView(c, ca ?? { id: c.certificateAuthorityId, name: '' });
  });
}
