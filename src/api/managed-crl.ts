/**
 * The managed CA's certificate revocation list: rebuilt with a higher CRL number whenever a
 * certificate of the CA is revoked or restored, and stored on the CA record so that the public
 * CRL routes serve it without opening the CA key.
 */
import { PemLabel, buildCrl, decodePem, parseCrl, type RevokedEntry } from '../pki/index.ts';
import type { CertificateAuthority, Transaction } from '../store/index.ts';
import { signingAuthority } from './managed-ca.ts';
import { everyItem } from './store-pages.ts';

/**
 * A stored CRL is rebuilt, with the same entries and a higher number, once it is within this
 * long of its nextUpdate: relying parties refuse a CRL past its nextUpdate (RFC 5280 §6.3.3),
 * and the managed CA may go days without a revocation. Default 1 day of the 7 a CRL is valid.
 */
export const CRL_REFRESH_BEFORE_MS = 86_400_000;

const REVOKED = ['pending_revocation', 'revoked'] as const;

/**
 * Builds the CA's CRL from the certificates that are revoked now (pending revocation counts:
 * the edge treats it as revoked already) and stores it with the next CRL number.
 */
export async function publishManagedCrl(
  tx: Transaction,
  ca: CertificateAuthority,
  masterKey: Uint8Array,
): Promise<CertificateAuthority> {
  const built = await buildCrl({
    authority: await signingAuthority(ca, masterKey),
    entries: await revokedEntries(tx, ca),
    crlNumber: ca.crlNumber + 1,
  });
  return tx.updateCertificateAuthority(ca.id, {
    crlNumber: Number(built.crlNumber),
    crlDer: built.der,
  });
}

/**
 * The stored CRL of a managed CA, first building or refreshing it when there is none yet or it
 * is near its nextUpdate. Runs in the caller's transaction, so two readers never both rebuild.
 */
export async function currentManagedCrl(
  tx: Transaction,
  ca: CertificateAuthority,
  masterKey: Uint8Array,
  now = new Date(),
): Promise<Uint8Array> {
  if (ca.crlDer) {
    // The certificate alone checks the stored CRL: the key is only unsealed to sign a new one.
    const caDer = decodePem(ca.certificatePem, PemLabel.CERTIFICATE, `the CA ${ca.id}`);
    const { nextUpdate } = await parseCrl(ca.crlDer, caDer);
    if (nextUpdate && nextUpdate.getTime() - now.getTime() > CRL_REFRESH_BEFORE_MS) {
      return ca.crlDer;
    }
  }
  return (await publishManagedCrl(tx, ca, masterKey)).crlDer as Uint8Array;
}

/**
 * Every revoked serial of the CA with its revocation time. The serials come from the store's
 * revoked list; the times from the certificates of the CA's account, zone by zone.
 */
async function revokedEntries(tx: Transaction, ca: CertificateAuthority): Promise<RevokedEntry[]> {
  const serials = await tx.listRevokedSerials(ca.id);
  if (serials.length === 0) return [];
  const times = new Map<string, Date>();
  const zones = everyItem((page) => tx.listZones({ accountId: ca.accountId, page, perPage: 500 }));
  for await (const zone of zones) {
    for (const status of REVOKED) {
      const certs = everyItem((page) =>
        tx.listClientCertificates({ zoneId: zone.id, status, page, perPage: 500 }),
      );
      for await (const c of certs) {
        if (c.certificateAuthorityId === ca.id && c.revokedOn) {
          times.set(c.serialNumber, new Date(c.revokedOn));
        }
      }
    }
  }
  const now = new Date();
  return serials.map((serialNumber) => ({
    serialNumber,
    revokedAt: times.get(serialNumber) ?? now,
  }));
}
