/**
 * Revoking and restoring client certificates. A change first takes the pending state
 * (`pending_revocation`, `pending_reactivation`) in one transaction with the new CRL and its
 * audit entry; once every running edge serves that configuration version the certificate
 * settles (`revoked`, `active`) in the background, so the answer never waits on the edges.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type {
  CertificateAuthority,
  ClientCertificate,
  ClientCertificateStatus,
  Store,
  Transaction,
  Zone,
} from '../store/index.ts';
import { recordChange } from './audit.ts';
import { clientCertificateAuditView } from './client-certificate-view.ts';
import { ApiError } from './errors.ts';
import { publishManagedCrl } from './managed-crl.ts';
import { everyItem } from './store-pages.ts';

/** What status changes need besides the request. */
export interface StatusContext {
  store: Store;
  masterKey: Uint8Array;
  configApplied: (version: number) => Promise<void>;
  log: FastifyBaseLogger;
}

interface Transition {
  from: readonly ClientCertificateStatus[];
  pending: ClientCertificateStatus;
  settled: ClientCertificateStatus;
  action: string;
}

/** The two status changes, Cloudflare's states in Cloudflare's order. */
export const TRANSITIONS = {
  revoke: {
    from: ['active', 'pending_reactivation'],
    pending: 'pending_revocation',
    settled: 'revoked',
    action: 'revoke',
  },
  reactivate: {
    from: ['revoked', 'pending_revocation'],
    pending: 'pending_reactivation',
    settled: 'active',
    action: 'reactivate',
  },
} as const satisfies Record<string, Transition>;

/** A certificate and the CA that issued it. */
export interface CertificateWithCa {
  cert: ClientCertificate;
  ca: CertificateAuthority;
}

/** The certificate of the path, which must belong to the zone of the path; 404 otherwise. */
export async function certificateOf(
  tx: Pick<Transaction, 'getClientCertificate' | 'getCertificateAuthority'>,
  zone: Zone,
  id: string,
): Promise<CertificateWithCa> {
  const cert = await tx.getClientCertificate(id);
  const ca = cert && (await tx.getCertificateAuthority(cert.certificateAuthorityId));
  if (!cert || !ca || cert.zoneId !== zone.id) {
    throw new ApiError('notFound', `client certificate ${id} does not exist in zone ${zone.id}`);
  }
  return { cert, ca };
}

// Certificates whose settling is already scheduled in this process.
const scheduled = new WeakMap<Store, Set<string>>();

/**
 * Moves a certificate into the pending state of `transition`, rebuilds its CA's CRL and
 * records the change, all in one transaction; then schedules the settled state. A certificate
 * already in the pending or settled state of the transition is left as it is.
 */
export async function changeStatus(
  ctx: StatusContext,
  request: FastifyRequest,
  zone: Zone,
  id: string,
  transition: Transition,
): Promise<CertificateWithCa> {
  const result = await ctx.store.transaction(async (tx) => {
    const { cert, ca } = await certificateOf(tx, zone, id);
    if (!transition.from.includes(cert.status)) return { cert, ca };
    const changed = await tx.setClientCertificateStatus(cert.id, transition.pending);
    const current = ca.kind === 'managed' ? await publishManagedCrl(tx, ca, ctx.masterKey) : ca;
    await recordChange(tx, request, {
      accountId: zone.accountId,
      zoneId: zone.id,
      action: transition.action,
      resourceType: 'client_certificate',
      resourceId: cert.id,
      before: clientCertificateAuditView(cert, ca),
      after: clientCertificateAuditView(changed, current),
    });
    return { cert: changed, ca: current };
  });
  settleLater(ctx, result.cert);
  return result;
}

/**
 * Schedules the settled state of a pending certificate for when the edges serve the version
 * that carried the change. Routes also call it for pending certificates they read, so that a
 * change left pending by a restart still settles. It does nothing for other states, or when
 * this process already waits for the certificate.
 */
export function settleLater(ctx: StatusContext, cert: ClientCertificate): void {
  const transition = Object.values(TRANSITIONS).find((t) => t.pending === cert.status);
  if (!transition) return;
  const waiting = scheduled.get(ctx.store) ?? new Set<string>();
  scheduled.set(ctx.store, waiting);
  if (waiting.has(cert.id)) return;
  waiting.add(cert.id);
  const version = cert.statusVersion;
  ctx
    .configApplied(version)
    .then(() =>
      ctx.store.transaction(async (tx) => {
        const now = await tx.getClientCertificate(cert.id);
        // A later change (a restore during a revocation) owns the certificate now.
        if (now?.status !== transition.pending || now.statusVersion !== version) return;
        await tx.setClientCertificateStatus(cert.id, transition.settled);
      }),
    )
    .catch((err: unknown) =>
      ctx.log.warn({ err, serial: cert.serialNumber }, 'client certificate status not settled'),
    )
    .finally(() => waiting.delete(cert.id));
}

/**
 * Schedules the settling of every certificate left pending, for example by a restart between
 * a revocation and the edges taking it. Called once when the API starts.
 */
export async function settlePending(ctx: StatusContext): Promise<void> {
  // Collected first, then scheduled: a settled certificate leaves the pending pages, which
  // would shift the pages still to read.
  const pending: ClientCertificate[] = [];
  for await (const zone of everyItem((page) => ctx.store.listZones({ page, perPage: 500 }))) {
    for (const transition of Object.values(TRANSITIONS)) {
      const certs = everyItem((page) =>
        ctx.store.listClientCertificates({
          zoneId: zone.id,
          status: transition.pending,
          page,
          perPage: 500,
        }),
      );
      for await (const cert of certs) pending.push(cert);
    }
  }
  for (const cert of pending) settleLater(ctx, cert);
}
