import {
  createManagedCa,
  exportPrivateKeyDer,
  importPrivateKey,
  issueClientCertificate,
  openPrivateKey,
  sealPrivateKey,
  type ParsedCsr,
  type SigningAuthority,
} from '../pki/index.ts';
import { decodePem, PemLabel } from '../pki/index.ts';
import type { CertificateAuthority, ClientCertificate, Transaction, Zone } from '../store/index.ts';

/**
 * The account's managed CA, created on first use: the CA that client certificates are issued
 * from and that mTLS hosts trust unless they name an uploaded CA. Its key is stored sealed.
 */
export async function ensureManagedCa(
  tx: Transaction,
  accountId: string,
  masterKey: Uint8Array,
): Promise<CertificateAuthority> {
  const existing = (await tx.listCertificateAuthorities(accountId)).find(
    (ca) => ca.kind === 'managed',
  );
  if (existing) return existing;
  const created = await createManagedCa({ accountId });
  const pkcs8 = await exportPrivateKeyDer(created.keys.privateKey);
  return tx.createCertificateAuthority({
    accountId,
    kind: 'managed',
    name: created.name,
    certificatePem: created.certificatePem,
    sealedPrivateKey: sealPrivateKey(pkcs8, masterKey),
  });
}

/** Unseals a managed CA's key for signing. */
export async function signingAuthority(
  ca: CertificateAuthority,
  masterKey: Uint8Array,
): Promise<SigningAuthority> {
  if (!ca.sealedPrivateKey)
    throw new Error(`certificate authority ${ca.id} has no key to sign with`);
  const keys = await importPrivateKey(openPrivateKey(ca.sealedPrivateKey, masterKey));
  return {
    certificateDer: decodePem(ca.certificatePem, PemLabel.CERTIFICATE, 'the managed CA'),
    privateKey: keys.privateKey,
  };
}

export interface IssueFromCsr {
  zone: Zone;
  csr: string | ParsedCsr;
  validityDays: number;
  masterKey: Uint8Array;
  /** PKCS#8 DER of the key when Portcullis generated it; stored sealed for the bundle. */
  generatedKey?: Uint8Array;
  crlDistributionPointUrl?: string;
  /**
   * The control plane's public base URL (`http://host:port`): the certificate then names the
   * CA's public CRL, `<base>/crl/<ca id>.crl`, unless `crlDistributionPointUrl` is given.
   */
  crlBaseUrl?: string;
}

/** Where the CRL of CA `caId` is published, under the control plane's base URL. */
export function crlUrl(baseUrl: string, caId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/crl/${caId}.crl`;
}

/** Issues a client certificate from the zone account's managed CA and stores it. */
export async function issueAndStore(
  tx: Transaction,
  input: IssueFromCsr,
): Promise<ClientCertificate> {
  const ca = await ensureManagedCa(tx, input.zone.accountId, input.masterKey);
  const distributionPoint =
    input.crlDistributionPointUrl ??
    (input.crlBaseUrl === undefined ? undefined : crlUrl(input.crlBaseUrl, ca.id));
  const issued = await issueClientCertificate({
    csr: input.csr,
    authority: await signingAuthority(ca, input.masterKey),
    validityDays: input.validityDays,
    ...(distributionPoint ? { crlDistributionPointUrl: distributionPoint } : {}),
  });
  const m = issued.metadata;
  return tx.createClientCertificate({
    zoneId: input.zone.id,
    certificateAuthorityId: ca.id,
    serialNumber: m.serial_number,
    fingerprintSha256: m.fingerprint_sha256,
    certificatePem: issued.certificatePem,
    csrPem: issued.csrPem,
    commonName: m.common_name,
    validityDays: m.validity_days,
    issuedOn: m.issued_on,
    expiresOn: m.expires_on,
    details: {
      country: m.country,
      state: m.state,
      location: m.location,
      organization: m.organization,
      organizational_unit: m.organizational_unit,
      signature: m.signature,
      ski: m.ski,
    },
    sealedPrivateKey: input.generatedKey
      ? sealPrivateKey(input.generatedKey, input.masterKey)
      : null,
  });
}
