import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PemLabel, decodePem, describeCaCertificate } from '../../pki/index.ts';
import type { CertificateAuthority } from '../../store/index.ts';
import { success } from '../envelope.ts';
import { crlUrl, ensureManagedCa } from '../managed-ca.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

/**
 * `GET /zones/{zone_id}/certificate_authorities/managed`, beyond Cloudflare: the zone
 * account's managed CA (created on first use) with its certificate, for devices and servers
 * that must trust it, and the URL of its public CRL.
 */
export async function managedCaRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  guardRoutes(app, ctx.store);
  app.get(
    '/zones/:zone_id/certificate_authorities/managed',
    {
      schema: {
        tags: ['client certificates'],
        summary: "Get the account's managed CA",
        params: pathParams('zone_id'),
      },
      config: { need: { resource: 'ssl', access: 'read' } },
    },
    async (request: FastifyRequest<{ Params: { zone_id: string } }>) => {
      const zone = zoneOf(request);
      const ca = await ctx.store.transaction((tx) =>
        ensureManagedCa(tx, zone.accountId, ctx.masterKey),
      );
      return success(managedCaView(ca, ctx.publicBaseUrl()));
    },
  );
}

function managedCaView(ca: CertificateAuthority, baseUrl: string | undefined) {
  const m = describeCaCertificate(decodePem(ca.certificatePem, PemLabel.CERTIFICATE, 'the CA'));
  return {
    id: ca.id,
    name: ca.name,
    certificate: ca.certificatePem,
    serial_number: m.serial_number,
    ski: m.ski,
    fingerprint_sha256: m.fingerprint_sha256,
    signature: m.signature,
    issued_on: m.issued_on,
    expires_on: m.expires_on,
    crl_number: ca.crlNumber,
    crl_url: baseUrl ? crlUrl(baseUrl, ca.id) : `/crl/${ca.id}.crl`,
  };
}
