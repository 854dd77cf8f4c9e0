import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkServerCertificate } from '../../pki/server-certificate.ts';
import { sealPrivateKey } from '../../pki/index.ts';
import type { CustomCertificate, CustomCertificatePatch, Transaction } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { pageInfo, success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { pointing } from '../pki-errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { pageQuery, pathParams, type PageParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const BUNDLE_METHODS = ['ubiquitous', 'optimal', 'force'] as const;

const fields = {
  certificate: { type: 'string', minLength: 1, maxLength: 1_048_576 },
  private_key: { type: 'string', minLength: 1, maxLength: 65_536 },
  bundle_method: { type: 'string', enum: BUNDLE_METHODS },
  type: { type: 'string', enum: ['legacy_custom', 'sni_custom'] },
  priority: { type: 'integer', minimum: 0, maximum: 1_000_000 },
} as const;
const createBody = {
  type: 'object',
  required: ['certificate', 'private_key'],
  properties: fields,
} as const;
const editBody = { type: 'object', properties: fields } as const;

interface CertificateBody {
  certificate?: string;
  private_key?: string;
  bundle_method?: string;
  priority?: number;
}

type OneParams = { zone_id: string; custom_certificate_id: string };
const tags = ['custom certificates'];

/**
 * `/zones/{zone_id}/custom_certificates`: server certificates uploaded for a zone's hosts, in
 * Cloudflare's shape. The edge presents the highest-priority certificate whose names cover a
 * host instead of the one its built-in CA issues. The private key is sealed at once and never
 * returned.
 */
export async function customCertificateRoutes(
  app: FastifyInstance,
  { store, masterKey }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const read = { resource: 'ssl', access: 'read' } as const;
  const edit = { resource: 'ssl', access: 'edit' } as const;
  const zoneParams = pathParams('zone_id');
  const oneParams = pathParams('zone_id', 'custom_certificate_id');
  const all = '/zones/:zone_id/custom_certificates';
  const one = `${all}/:custom_certificate_id`;

  app.post(
    all,
    {
      schema: {
        tags,
        summary: 'Upload a custom certificate',
        params: zoneParams,
        body: createBody,
      },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Params: { zone_id: string }; Body: CertificateBody }>) => {
      const zone = zoneOf(request);
      const cert = await checkedFields(request.body, masterKey);
      const created = await store.transaction(async (tx) => {
        const stored = await tx.createCustomCertificate({
          zoneId: zone.id,
          certificatePem: cert.certificatePem!,
          sealedPrivateKey: cert.sealedPrivateKey!,
          hosts: cert.hosts!,
          issuer: cert.issuer!,
          signature: cert.signature!,
          expiresOn: cert.expiresOn!,
          bundleMethod: request.body.bundle_method ?? 'ubiquitous',
          priority: request.body.priority ?? 0,
        });
        await audit(tx, request, zone.accountId, 'create', undefined, stored);
        return stored;
      });
      return success(view(created));
    },
  );
  app.get(
    all,
    {
      schema: {
        tags,
        summary: 'List custom certificates',
        params: zoneParams,
        querystring: pageQuery,
      },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: { zone_id: string }; Querystring: PageParams }>) => {
      const { page, per_page: perPage } = request.query;
      const certs = await store.listCustomCertificates(zoneOf(request).id);
      const items = certs.slice((page - 1) * perPage, page * perPage);
      return success(items.map(view), pageInfo(page, perPage, items.length, certs.length));
    },
  );
  app.get(
    one,
    {
      schema: { tags, summary: 'Get a custom certificate', params: oneParams },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: OneParams }>) =>
      success(view(await certificateOf(store, request.params))),
  );
  app.patch(
    one,
    {
      schema: { tags, summary: 'Edit a custom certificate', params: oneParams, body: editBody },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Params: OneParams; Body: CertificateBody }>) => {
      const zone = zoneOf(request);
      const body = request.body;
      if ((body.certificate === undefined) !== (body.private_key === undefined)) {
        throw new ApiError('invalidRequest', 'send certificate and private_key together', {
          pointer: body.certificate === undefined ? '/certificate' : '/private_key',
        });
      }
      const patch: CustomCertificatePatch = await checkedFields(body, masterKey);
      if (body.bundle_method !== undefined) patch.bundleMethod = body.bundle_method;
      if (body.priority !== undefined) patch.priority = body.priority;
      const updated = await store.transaction(async (tx) => {
        const before = await certificateOf(tx, request.params);
        const after = await tx.updateCustomCertificate(before.id, patch);
        await audit(tx, request, zone.accountId, 'update', before, after);
        return after;
      });
      return success(view(updated));
    },
  );
  app.delete(
    one,
    {
      schema: { tags, summary: 'Delete a custom certificate', params: oneParams },
      config: { need: edit },
    },
    async (request: FastifyRequest<{ Params: OneParams }>) => {
      const zone = zoneOf(request);
      const id = await store.transaction(async (tx) => {
        const before = await certificateOf(tx, request.params);
        await tx.deleteCustomCertificate(before.id);
        await audit(tx, request, zone.accountId, 'delete', before, undefined);
        return before.id;
      });
      return success({ id });
    },
  );
}

/** The certificate fields of a body, checked and with the key sealed; empty without them. */
async function checkedFields(
  body: CertificateBody,
  masterKey: Uint8Array,
): Promise<CustomCertificatePatch> {
  if (body.certificate === undefined || body.private_key === undefined) return {};
  const cert = await pointing('/certificate', () =>
    checkServerCertificate(body.certificate!, body.private_key!),
  );
  return {
    certificatePem: cert.certificatePem,
    sealedPrivateKey: sealPrivateKey(cert.privateKeyDer, masterKey),
    hosts: [...cert.hosts],
    issuer: cert.issuer,
    signature: cert.signature,
    expiresOn: cert.expiresOn,
  };
}

async function certificateOf(
  tx: Pick<Transaction, 'getCustomCertificate'>,
  params: OneParams,
): Promise<CustomCertificate> {
  const cert = await tx.getCustomCertificate(params.custom_certificate_id);
  if (!cert || cert.zoneId !== params.zone_id) {
    throw new ApiError(
      'notFound',
      `custom certificate ${params.custom_certificate_id} does not exist in zone ${params.zone_id}`,
    );
  }
  return cert;
}

function audit(
  tx: Transaction,
  request: FastifyRequest,
  accountId: string,
  action: string,
  before: CustomCertificate | undefined,
  after: CustomCertificate | undefined,
) {
  const subject = (after ?? before)!;
  return recordChange(tx, request, {
    accountId,
    zoneId: subject.zoneId,
    action,
    resourceType: 'custom_certificate',
    resourceId: subject.id,
    ...(before ? { before: view(before) } : {}),
    ...(after ? { after: view(after) } : {}),
  });
}

/** Cloudflare's custom certificate object; the key never leaves the store. */
function view(c: CustomCertificate) {
  return {
    id: c.id,
    zone_id: c.zoneId,
    hosts: c.hosts,
    issuer: c.issuer,
    signature: c.signature,
    status: Date.parse(c.expiresOn) <= Date.now() ? 'expired' : 'active',
    bundle_method: c.bundleMethod,
    type: 'sni_custom',
    priority: c.priority,
    uploaded_on: c.uploadedOn,
    modified_on: c.modifiedOn,
    expires_on: c.expiresOn,
  };
}
