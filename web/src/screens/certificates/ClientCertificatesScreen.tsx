import '../manage.css';
import { useCallback, useState } from 'react';
import { useParams } from '../../router.tsx';
import { useZone } from '../../layout/use-zone.ts';
import { ErrorBanner, Loading, useAsync } from '../../ui/index.ts';
import { certificatesApi } from './certificates-api.ts';
import { CertificateList } from './CertificateList.tsx';
import { ManagedCaCard } from './ManagedCaCard.tsx';
import { MtlsHostsCard } from './MtlsHostsCard.tsx';
import { UploadedCasCard } from './UploadedCasCard.tsx';

/**
 * SSL/TLS → Client Certificates: the zone's client certificates (create, revoke, restore,
 * download), the hosts that ask for them, the managed CA and the account's uploaded CAs.
 */
export function ClientCertificatesScreen() {
  const { zoneId = '' } = useParams();
  const zone = useZone(zoneId);
  const accountId = zone.data?.account.id;
  const uploaded = useAsync(
    async (signal) => (accountId ? certificatesApi.uploadedCas(accountId, signal) : []),
    [accountId],
  );
  // The CA card shows the CRL number, which revocations and restores move on.
  const [caRevision, setCaRevision] = useState(0);
  const caChanged = useCallback(() => setCaRevision((n) => n + 1), []);

  return (
    <div className="screen">
      <h1 className="screen-title">Client Certificates</h1>
      <p className="screen-lead">
        Issue certificates to mobile apps, IoT devices and services, and choose the hosts that ask
        for them.
      </p>
      <ErrorBanner error={zone.error} title="Cannot read the zone" onRetry={zone.reload} />
      <CertificateList zoneId={zoneId} onStatusChange={caChanged} />
      {zone.data ? (
        <>
          <MtlsHostsCard zone={zone.data} uploadedCas={uploaded.data ?? []} />
          <ManagedCaCard zoneId={zoneId} revision={caRevision} />
          <UploadedCasCard accountId={zone.data.account.id} cas={uploaded} />
        </>
      ) : zone.loading ? (
        <Loading />
      ) : null}
    </div>
  );
}
