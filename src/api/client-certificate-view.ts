import { describeCaCertificate, decodePem, PemLabel } from '../pki/index.ts';
import type { CertificateAuthority, ClientCertificate } from '../store/index.ts';

/** The CA fields a client certificate's answer names. */
export type IssuingCa = Pick<CertificateAuthority, 'id' | 'name'>;

/**
 * A client certificate in the shape of Cloudflare's `ClientCertificate` result: every field
 * the official client reads, subject parts as "" when the CSR had none. `serial_number` is
 * uppercase hex, the same text as `cf.tls_client_auth.cert_serial`, so that a rule can be
 * written from it. The sealed private key never appears.
 */
export function clientCertificateView(cert: ClientCertificate, ca: IssuingCa) {
  const d = cert.details;
  return {
    id: cert.id,
    certificate: cert.certificatePem,
    certificate_authority: { id: ca.id, name: ca.name },
    common_name: cert.commonName,
    country: d.country ?? '',
    state: d.state ?? '',
    location: d.location ?? '',
    organization: d.organization ?? '',
    organizational_unit: d.organizational_unit ?? '',
    csr: cert.csrPem,
    expires_on: cert.expiresOn,
    issued_on: cert.issuedOn,
    fingerprint_sha256: cert.fingerprintSha256,
    serial_number: cert.serialNumber,
    signature: d.signature ?? '',
    ski: d.ski ?? '',
    status: cert.status,
    validity_days: cert.validityDays,
  };
}

/** The `ClientCertificate` result as the API sends it. */
export type ClientCertificateView = ReturnType<typeof clientCertificateView>;

/**
 * What the audit log keeps of a client certificate: the view without the certificate and CSR
 * PEMs, which the serial and fingerprint already identify (logs never hold whole PEMs).
 */
export function clientCertificateAuditView(cert: ClientCertificate, ca: IssuingCa) {
  const { certificate: _certificate, csr: _csr, ...rest } = clientCertificateView(cert, ca);
  return rest;
}

/**
 * An uploaded CA in the shape of Cloudflare's `MTLSCertificate` result, described from the
 * first certificate of its bundle. `crl_number` (beyond Cloudflare) is the number of the last
 * CRL uploaded for it, 0 before any.
 */
export function mtlsCertificateView(ca: CertificateAuthority) {
  const first = describeCaCertificate(
    decodePem(ca.certificatePem, PemLabel.CERTIFICATE, `certificate authority ${ca.id}`),
  );
  return {
    id: ca.id,
    name: ca.name,
    ca: true,
    certificates: ca.certificatePem,
    issuer: first.issuer,
    serial_number: first.serial_number,
    signature: first.signature,
    expires_on: first.expires_on,
    uploaded_on: ca.createdOn,
    updated_at: ca.modifiedOn,
    type: 'custom' as const,
    crl_number: ca.crlNumber,
  };
}
