import { Card, CopyButton, ErrorBanner, Loading, useAsync } from '../../ui/index.ts';
import { formatDate } from '../../ui/format.ts';
import { certificatesApi } from './certificates-api.ts';
import { PemBlock } from './PemBlock.tsx';

/** The CRL URL as a browser can open it: the API gives a path when it knows no public URL. */
function absolute(url: string): string {
  try {
    return new URL(url, window.location.origin).toString();
  } catch {
    return url;
  }
}

/**
 * The managed CA that signs this account's client certificates: what servers and devices
 * must trust, and the public CRL that lists what it revoked.
 */
export function ManagedCaCard(props: {
  zoneId: string;
  /** Read the CA again when this changes, e.g. after a revocation issued a new CRL. */
  revision?: number;
}) {
  const ca = useAsync(
    (signal) => certificatesApi.managedCa(props.zoneId, signal),
    [props.zoneId, props.revision],
  );
  const crl = ca.data ? absolute(ca.data.crl_url) : '';

  return (
    <Card
      title="Managed CA"
      description="Servers that check client certificates themselves, and devices that pin the CA, trust this certificate. Its revocation list is public."
    >
      <ErrorBanner error={ca.error} title="Cannot read the managed CA" onRetry={ca.reload} />
      {ca.loading && !ca.data ? <Loading /> : null}
      {ca.data ? (
        <>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{ca.data.name}</dd>
            <dt>Serial number</dt>
            <dd className="mono break">{ca.data.serial_number}</dd>
            <dt>Subject key identifier</dt>
            <dd className="mono break">{ca.data.ski}</dd>
            <dt>SHA-256 fingerprint</dt>
            <dd className="mono break">{ca.data.fingerprint_sha256}</dd>
            <dt>Valid until</dt>
            <dd>{formatDate(ca.data.expires_on)}</dd>
            <dt>CRL URL</dt>
            <dd className="crl-url">
              <a href={crl} className="mono break">
                {crl}
              </a>
              <CopyButton text={crl} label="Copy CRL URL" />
            </dd>
            <dt>CRL number</dt>
            <dd>{ca.data.crl_number}</dd>
          </dl>
          <PemBlock
            label="CA certificate"
            text={ca.data.certificate}
            fileName="portcullis-managed-ca.pem"
            rows={6}
          />
        </>
      ) : null}
    </Card>
  );
}
