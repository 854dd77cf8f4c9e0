import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PemLabel, encodePem } from '../../pki/index.ts';
import type { Store } from '../../store/index.ts';
import { ApiError } from '../errors.ts';
import { currentManagedCrl } from '../managed-crl.ts';

/** What the public CRL routes need: they live outside `/client/v4`, without a token. */
export interface PublicCrlOptions {
  store: Store;
  masterKey: Uint8Array;
}

/**
 * How long a cache may keep a CRL. Short, because a revocation rebuilds it at once; relying
 * parties that fetch it (from the certificates' CRL distribution point) then see it soon.
 */
export const CRL_MAX_AGE_SECONDS = 60;

/**
 * `GET /crl/{ca_id}.crl` (DER, `application/pkix-crl`, RFC 5280 §4.2.1.13 and RFC 2585 §4)
 * and `GET /crl/{ca_id}.pem`: the managed CA's CRL, public as CRLs must be, since a relying
 * party fetches it from the URL in the certificate without credentials. Only managed CAs
 * publish here; an uploaded CA's CRL is its owner's to publish.
 */
export async function publicCrlRoutes(
  app: FastifyInstance,
  options: PublicCrlOptions,
): Promise<void> {
  app.get('/crl/:file', async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const match = /^([A-Za-z0-9_-]{1,64})\.(crl|pem)$/.exec(request.params.file);
    if (!match) throw new ApiError('notFound', 'CRLs are published as /crl/<ca id>.crl or .pem');
    const [, caId, format] = match as unknown as [string, string, 'crl' | 'pem'];
    const der = await options.store.transaction(async (tx) => {
      const ca = await tx.getCertificateAuthority(caId);
      if (ca?.kind !== 'managed' || !ca.sealedPrivateKey) return undefined;
      return currentManagedCrl(tx, ca, options.masterKey);
    });
    if (!der)
      throw new ApiError('notFound', `no CRL is published for certificate authority ${caId}`);
    return send(reply, der, format);
  });
}

function send(reply: FastifyReply, der: Uint8Array, format: 'crl' | 'pem') {
  reply.header('cache-control', `public, max-age=${CRL_MAX_AGE_SECONDS}`);
  if (format === 'pem') {
    return reply.type('application/x-pem-file').send(encodePem(der, PemLabel.X509_CRL));
  }
  return reply.type('application/pkix-crl').send(Buffer.from(der));
}
