/**
 * The client-certificate routes as the Client Certificates screen calls them: Cloudflare's
 * `client_certificates`, `mtls_certificates` and `hostname_associations`, and Portcullis's
 * `…/generate`, `…/bundle` and the managed CA.
 */
import { API_BASE, ApiError, api, getToken, type ApiMessage } from '../../api/client.ts';

export type CertificateStatus =
  'active' | 'pending_revocation' | 'revoked' | 'pending_reactivation';

/** A client certificate issued by the managed CA, as the API answers it. */
export interface ClientCertificate {
  id: string;
  certificate: string;
  certificate_authority: { id: string; name: string };
  common_name: string;
  country: string;
  state: string;
  location: string;
  organization: string;
  organizational_unit: string;
  csr: string;
  expires_on: string;
  issued_on: string;
  fingerprint_sha256: string;
  serial_number: string;
  signature: string;
  ski: string;
  status: CertificateStatus;
  validity_days: number;
}

/** The answer of `…/generate`: the one time the private key is shown. */
export interface GeneratedCertificate extends ClientCertificate {
  private_key: string;
}

/** The account's managed CA. `crl_url` is absolute when the control plane knows its URL. */
export interface ManagedCa {
  id: string;
  name: string;
  certificate: string;
  serial_number: string;
  ski: string;
  fingerprint_sha256: string;
  signature: string;
  issued_on: string;
  expires_on: string;
  crl_number: number;
  crl_url: string;
}

/** A CA uploaded to the account (bring your own CA). */
export interface MtlsCertificate {
  id: string;
  name: string;
  ca: boolean;
  certificates: string;
  issuer: string;
  serial_number: string;
  signature: string;
  expires_on: string;
  uploaded_on: string;
  crl_number: number;
}

export const STATUS_LABELS: Record<CertificateStatus, string> = {
  active: 'Active',
  pending_revocation: 'Pending revocation',
  revoked: 'Revoked',
  pending_reactivation: 'Pending reactivation',
};

/** The key types `…/generate` takes, ECDSA P-256 first as the default. */
export const KEY_TYPES = [
  { value: 'ecdsa-p256', label: 'ECDSA P-256' },
  { value: 'ecdsa-p384', label: 'ECDSA P-384' },
  { value: 'rsa-2048', label: 'RSA 2048' },
  { value: 'rsa-3072', label: 'RSA 3072' },
] as const;

/** Cloudflare's validity choices, in days; the API takes 1 to 5475. */
export const VALIDITY_CHOICES = [
  { days: 365, label: '1 year' },
  { days: 730, label: '2 years' },
  { days: 1095, label: '3 years' },
  { days: 1825, label: '5 years' },
  { days: 3650, label: '10 years' },
  { days: 5475, label: '15 years' },
] as const;

export const DEFAULT_VALIDITY_DAYS = 3650;

/** The subject of a certificate that Portcullis generates the key for. */
export interface GenerateRequest {
  common_name: string;
  organization?: string;
  organizational_unit?: string;
  country?: string;
  state?: string;
  location?: string;
  key_type: string;
  validity_days: number;
}

const zonePath = (zoneId: string) => `/zones/${zoneId}`;

export const certificatesApi = {
  generate(zoneId: string, body: GenerateRequest) {
    return api.post<GeneratedCertificate>(`${zonePath(zoneId)}/client_certificates/generate`, body);
  },
  fromCsr(zoneId: string, csr: string, validityDays: number) {
    return api.post<ClientCertificate>(`${zonePath(zoneId)}/client_certificates`, {
      csr,
      validity_days: validityDays,
    });
  },
  list(
    zoneId: string,
    query: { page: number; perPage: number; status: string },
    signal?: AbortSignal,
  ) {
    return api.page<ClientCertificate>(`${zonePath(zoneId)}/client_certificates`, {
      query: { page: query.page, per_page: query.perPage, status: query.status },
      signal,
    });
  },
  revoke(zoneId: string, id: string) {
    return api.delete<ClientCertificate>(`${zonePath(zoneId)}/client_certificates/${id}`);
  },
  restore(zoneId: string, id: string) {
    return api.patch<ClientCertificate>(`${zonePath(zoneId)}/client_certificates/${id}`, {
      reactivate: true,
    });
  },
  managedCa(zoneId: string, signal?: AbortSignal) {
    return api.get<ManagedCa>(`${zonePath(zoneId)}/certificate_authorities/managed`, { signal });
  },
  /** The hostnames of the zone that trust a CA: the managed CA without an id. */
  associations(zoneId: string, caId: string | undefined, signal?: AbortSignal) {
    return api.get<{ hostnames: string[] }>(
      `${zonePath(zoneId)}/certificate_authorities/hostname_associations`,
      { query: { mtls_certificate_id: caId }, signal },
    );
  },
  setAssociations(zoneId: string, caId: string | undefined, hostnames: string[]) {
    return api.put<{ hostnames: string[] }>(
      `${zonePath(zoneId)}/certificate_authorities/hostname_associations`,
      { hostnames, ...(caId ? { mtls_certificate_id: caId } : {}) },
    );
  },
  uploadedCas(accountId: string, signal?: AbortSignal) {
    return api.get<MtlsCertificate[]>(`/accounts/${accountId}/mtls_certificates`, { signal });
  },
  uploadCa(accountId: string, name: string, certificates: string) {
    return api.post<MtlsCertificate>(`/accounts/${accountId}/mtls_certificates`, {
      ca: true,
      certificates,
      ...(name ? { name } : {}),
    });
  },
  deleteCa(accountId: string, id: string) {
    return api.delete<MtlsCertificate>(`/accounts/${accountId}/mtls_certificates/${id}`);
  },
};

/** A device bundle as the API sends it: the bytes and the file name it suggests. */
export interface BundleFile {
  blob: Blob;
  fileName: string;
}

/**
 * Fetches a device bundle. The PEM bundle is a GET; the PKCS#12 bundle is a POST whose body
 * carries the password, so that it never sits in a URL. The answer is the file itself, or
 * the usual envelope with errors when the API refuses.
 */
export async function fetchBundle(
  zoneId: string,
  certificateId: string,
  request:
    { format: 'pem' } | { format: 'p12'; password: string; profile: 'compatible' | 'modern' },
): Promise<BundleFile> {
  const path = `${API_BASE}${zonePath(zoneId)}/client_certificates/${certificateId}/bundle`;
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response =
      request.format === 'pem'
        ? await fetch(`${path}?format=pem`, { headers })
        : await fetch(path, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(request),
          });
  } catch (err) {
    throw new ApiError(0, [], `cannot reach the Portcullis API: ${(err as Error).message}`);
  }
  if (!response.ok) {
    let errors: ApiMessage[] = [];
    try {
      errors = ((await response.json()) as { errors?: ApiMessage[] }).errors ?? [];
    } catch {
      errors = [];
    }
    throw new ApiError(response.status, errors, `download failed: HTTP ${response.status}`);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `bundle.${request.format}`;
  return { blob: await response.blob(), fileName };
}

/** Saves a file through the browser's download, without a round trip to the server. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a moment later is safe.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves text such as a PEM certificate or key as a file. */
export function saveText(text: string, fileName: string, type = 'application/x-pem-file'): void {
  saveFile(new Blob([text], { type }), fileName);
}

/** A file name from a common name: letters, digits, dots, dashes and underscores. */
export function fileNameOf(commonName: string): string {
  return commonName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'client';
}
