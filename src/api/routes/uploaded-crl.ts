import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  MAX_CRL_LENGTH,
  PemLabel,
  decodePemAll,
  isPkiError,
  parseCrl,
  type ParsedCrl,
} from '../../pki/index.ts';
import type { CertificateAuthority } from '../../store/index.ts';
import { recordChange } from '../audit.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { pkiApiError } from '../pki-errors.ts';
import { guardRoutes } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import { uploadedCaOf } from './mtls-certificates.ts';
import type { RouteContext } from './index.ts';

type Params = { account_id: string; mtls_certificate_id: string };

/**
 * `PUT /accounts/{account_id}/mtls_certificates/{id}/crl`, beyond Cloudflare (which does not
 * check revocation for uploaded CAs): the CA's current CRL, as DER (`Content-Type:
 * application/pkix-crl`) or as JSON `{"crl": "<PEM>"}`. It must be signed by the CA and carry
 * a CRL number above the stored one, so that an old list cannot replace a newer one (RFC 5280
 * §5.2.3). The edges then treat its serials as revoked for hosts that trust the CA.
 */
export async function uploadedCrlRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  app.addContentTypeParser(
    'application/pkix-crl',
    { parseAs: 'buffer', bodyLimit: MAX_CRL_LENGTH },
    (_request, body, done) => done(null, body),
  );
  app.put(
    '/accounts/:account_id/mtls_certificates/:mtls_certificate_id/crl',
    {
      schema: {
        tags: ['mtls certificates'],
        summary: 'Upload the CRL of an uploaded CA',
        params: pathParams('account_id', 'mtls_certificate_id'),
      },
      config: { need: { resource: 'ssl', access: 'edit' } },
      bodyLimit: MAX_CRL_LENGTH,
    },
    async (request: FastifyRequest<{ Params: Params }>) => {
      const input = crlInput(request.body);
      const result = await store.transaction(async (tx) => {
        const ca = await uploadedCaOf(tx, request.params);
        const crl = await verifiedByCa(input, ca);
        const crlNumber = checkedNumber(crl, ca);
        await tx.updateCertificateAuthority(ca.id, { crlNumber, crlDer: crl.der });
        const view = crlView(ca, crl);
        await recordChange(tx, request, {
          accountId: ca.accountId,
          action: 'update',
          resourceType: 'mtls_certificate_crl',
          resourceId: ca.id,
          before: { crl_number: ca.crlNumber },
          after: view,
        });
        return view;
      });
      return success(result);
    },
  );
}

function crlInput(body: unknown): string | Uint8Array {
  if (Buffer.isBuffer(body)) return new Uint8Array(body);
  const crl = (body as { crl?: unknown } | undefined)?.crl;
  if (typeof crl === 'string') return crl;
  throw new ApiError(
    'invalidRequest',
    'send the CRL as DER with Content-Type application/pkix-crl, or as JSON {"crl": "<PEM>"}',
    { pointer: '/crl' },
  );
}

/**
 * The CRL, verified against the certificates of the CA's bundle: the one whose subject issued
 * it must have signed it. The first certificate's refusal is the answer when none did.
 */
async function verifiedByCa(input: string | Uint8Array, ca: CertificateAuthority) {
  const ders = decodePemAll(ca.certificatePem, PemLabel.CERTIFICATE, `mTLS certificate ${ca.id}`);
  let first: unknown;
  for (const der of ders) {
    try {
      return await parseCrl(input, der);
    } catch (err) {
      if (!isPkiError(err)) throw err;
      first ??= err;
      if (err.code !== 'PORTCULLIS_ERR_PKI_CRL_NOT_SIGNED_BY_CA') break;
    }
  }
  throw isPkiError(first) ? pkiApiError(first, '/crl') : first;
}

function checkedNumber(crl: ParsedCrl, ca: CertificateAuthority): number {
  const refuse = (why: string) =>
    new ApiError('invalidCertificate', `checking the CRL of mTLS certificate ${ca.id}: ${why}`, {
      pointer: '/crl',
    });
  if (crl.crlNumber === undefined) {
    throw refuse('it has no CRL number extension (RFC 5280 §5.2.3), so its order is unknown');
  }
  if (crl.crlNumber > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw refuse(`its CRL number ${crl.crlNumber} is above ${Number.MAX_SAFE_INTEGER}`);
  }
  if (crl.crlNumber <= BigInt(ca.crlNumber)) {
    throw refuse(
      `its CRL number ${crl.crlNumber} is not above ${ca.crlNumber}, the number of the CRL already stored`,
    );
  }
  return Number(crl.crlNumber);
}

function crlView(ca: CertificateAuthority, crl: ParsedCrl) {
  return {
    id: ca.id,
    crl_number: Number(crl.crlNumber),
    issuer: crl.issuer,
    this_update: crl.thisUpdate.toISOString(),
    next_update: crl.nextUpdate?.toISOString() ?? null,
    revoked_serials: crl.entries.map((e) => e.serialNumber),
  };
}
