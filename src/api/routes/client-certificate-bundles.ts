import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  PemLabel,
  buildPkcs12,
  decodePem,
  decodePemAll,
  encodePem,
  openPrivateKey,
} from '../../pki/index.ts';
import { certificateOf, type CertificateWithCa } from '../certificate-status.ts';
import { ApiError } from '../errors.ts';
import { pointing } from '../pki-errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const getQuery = {
  type: 'object',
  properties: { format: { type: 'string', enum: ['pem', 'p12'], default: 'pem' } },
} as const;

const postBody = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['pem', 'p12'], default: 'p12' },
    password: { type: 'string' },
    profile: { type: 'string', enum: ['compatible', 'modern'], default: 'compatible' },
  },
} as const;

type Params = { zone_id: string; client_certificate_id: string };
interface BundleBody {
  format: 'pem' | 'p12';
  password?: string;
  profile: 'compatible' | 'modern';
}

/**
 * `…/client_certificates/{id}/bundle`, beyond Cloudflare: what a device needs, in one
 * download. `GET ?format=pem` gives the certificate, the CA and, when Portcullis generated it,
 * the private key; `POST {"password": …}` gives a password-protected PKCS#12 file that iOS and
 * Android import. The password travels in the body, never in a URL that logs and proxies keep.
 * Both need `ssl:edit`, since both can carry the private key.
 */
export async function clientCertificateBundleRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
): Promise<void> {
  guardRoutes(app, ctx.store);
  const path = '/zones/:zone_id/client_certificates/:client_certificate_id/bundle';
  const tags = ['client certificates'];
  const params = pathParams('zone_id', 'client_certificate_id');
  const need = { resource: 'ssl', access: 'edit' } as const;

  app.get(
    path,
    {
      schema: { tags, summary: 'Download a PEM device bundle', params, querystring: getQuery },
      config: { need },
    },
    async (request: FastifyRequest<{ Params: Params; Querystring: { format: string } }>, reply) => {
      if (request.query.format !== 'pem') {
        throw new ApiError(
          'invalidRequest',
          'a PKCS#12 bundle needs a password: POST {"format": "p12", "password": "…"} instead',
          { pointer: '/format' },
        );
      }
      return sendPem(reply, await bundleOf(ctx, request), ctx.masterKey);
    },
  );
  app.post(
    path,
    {
      schema: { tags, summary: 'Download a PKCS#12 or PEM device bundle', params, body: postBody },
      config: { need },
    },
    async (request: FastifyRequest<{ Params: Params; Body: BundleBody }>, reply) => {
      const found = await bundleOf(ctx, request);
      if (request.body.format === 'pem') return sendPem(reply, found, ctx.masterKey);
      return sendPkcs12(reply, found, ctx.masterKey, request.body);
    },
  );
}

function bundleOf(ctx: RouteContext, request: FastifyRequest<{ Params: Params }>) {
  return certificateOf(ctx.store, zoneOf(request), request.params.client_certificate_id);
}

function sendPem(reply: FastifyReply, { cert, ca }: CertificateWithCa, masterKey: Uint8Array) {
  const key = cert.sealedPrivateKey
    ? encodePem(openPrivateKey(cert.sealedPrivateKey, masterKey), PemLabel.PRIVATE_KEY)
    : '';
  return attachment(reply, 'application/x-pem-file', `${fileName(cert.commonName)}.pem`).send(
    cert.certificatePem + ca.certificatePem + key,
  );
}

async function sendPkcs12(
  reply: FastifyReply,
  { cert, ca }: CertificateWithCa,
  masterKey: Uint8Array,
  body: BundleBody,
) {
  if (!cert.sealedPrivateKey) {
    throw new ApiError(
      'invalidRequest',
      `client certificate ${cert.serialNumber} was issued from a CSR, so Portcullis has no key ` +
        'to put in a PKCS#12 bundle: build it where the key is (see docs/client-certificates.md)',
      { pointer: '/format' },
    );
  }
  const p12 = await pointing('/password', () =>
    buildPkcs12({
      privateKey: openPrivateKey(cert.sealedPrivateKey as Uint8Array, masterKey),
      certificate: decodePem(cert.certificatePem, PemLabel.CERTIFICATE, 'the certificate'),
      chain: decodePemAll(ca.certificatePem, PemLabel.CERTIFICATE, 'the CA'),
      password: body.password as string,
      friendlyName: cert.commonName,
      profile: body.profile,
    }),
  );
  const name = `${fileName(cert.commonName)}.p12`;
  return attachment(reply, 'application/x-pkcs12', name).send(Buffer.from(p12));
}

/** Headers of a download that holds key material: never cached. */
function attachment(reply: FastifyReply, type: string, name: string): FastifyReply {
  return reply
    .type(type)
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="${name}"`);
}

/** A file name from a common name: letters, digits, dots, dashes and underscores only. */
function fileName(commonName: string): string {
  return commonName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'client';
}
