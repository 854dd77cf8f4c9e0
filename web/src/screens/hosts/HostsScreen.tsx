import '../manage.css';
import { useState } from 'react';
import type { Host } from '../../api/types.ts';
import { useZone } from '../../layout/use-zone.ts';
import { useParams } from '../../router.tsx';
import {
  Button,
  Card,
  ErrorBanner,
  PagesOf,
  PlusIcon,
  Table,
  Toggle,
  useAsync,
} from '../../ui/index.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { formatDate } from '../../ui/format.ts';
import { useAction } from '../../ui/use-action.ts';
import { HostDialog } from './HostDialog.tsx';
import { certificateFor, hostsApi } from './hosts-api.ts';
import { ServerCertificatesCard } from './ServerCertificatesCard.tsx';

const PER_PAGE = 20;

/**
 * Hosts: the zone's proxied hostnames, their origins, whether each asks for a client
 * certificate (switched in place), the server certificate each presents, and add, edit and
 * delete.
 */
export function HostsScreen() {
  const { zoneId = '' } = useParams();
  const zone = useZone(zoneId);
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<{ host?: Host } | null>(null);
  const [deleting, setDeleting] = useState<Host>();
  const action = useAction();
  const hosts = useAsync((signal) => hostsApi.list(zoneId, page, PER_PAGE, signal), [zoneId, page]);
  const certificates = useAsync(() => hostsApi.certificates(zoneId), [zoneId]);
  const info = hosts.data?.info;

  const switchMtls = (host: Host, on: boolean) =>
    action.run(`mtls:${host.id}`, async () => {
      const changed = await hostsApi.edit(zoneId, host.id, { mtls_enabled: on });
      // Show the answer at once; the page stays where it is.
      if (hosts.data) {
        hosts.setData({
          ...hosts.data,
          items: hosts.data.items.map((h) => (h.id === changed.id ? changed : h)),
        });
      }
    });

  const serverCertificate = (host: Host) => {
    if (certificates.loading && !certificates.data) return <span className="muted">…</span>;
    const cert = certificateFor(host.hostname, certificates.data ?? []);
    if (!cert) return <span className="muted">Built-in edge CA</span>;
    return (
      <span title={`${cert.hosts.join(', ')}, issued by ${cert.issuer}`}>
        Uploaded, expires {formatDate(cert.expires_on)}
      </span>
    );
  };

  return (
    <div className="screen">
      <h1 className="screen-title">Hosts</h1>
      <p className="screen-lead">
        The hostnames {zone.data ? zone.data.name : 'this zone'} answers on the edge, and the
        origins they forward to.
      </p>
      <ErrorBanner error={zone.error} title="Cannot read the zone" onRetry={zone.reload} />
      <Card
        title="Proxied hostnames"
        actions={
          <Button
            variant="primary"
            icon={<PlusIcon />}
            onClick={() => setDialog({})}
            disabled={!zone.data}
          >
            Add host
          </Button>
        }
      >
        <ErrorBanner error={hosts.error} title="Cannot list the hosts" onRetry={hosts.reload} />
        <ErrorBanner error={action.error} title="Cannot switch mTLS" />
        <Table
          caption="Hosts"
          hideCaption
          rows={hosts.data?.items ?? []}
          rowKey={(h) => h.id}
          loading={hosts.loading}
          empty="No hosts yet. Add host puts the first behind the edge."
          columns={[
            { header: 'Hostname', render: (h) => <span className="strong">{h.hostname}</span> },
            { header: 'Origin', render: (h) => <span className="mono">{h.origin}</span> },
            {
              header: 'mTLS',
              render: (h) => (
                <span className="switch-cell">
                  <Toggle
                    checked={h.mtls_enabled}
                    label={`mTLS for ${h.hostname}`}
                    onChange={(on) => switchMtls(h, on)}
                    busy={action.pending === `mtls:${h.id}`}
                    disabled={action.pending !== null}
                  />
                  <span aria-hidden="true">{h.mtls_enabled ? 'On' : 'Off'}</span>
                </span>
              ),
            },
            { header: 'Server certificate', render: serverCertificate },
            {
              header: <span className="visually-hidden">Actions</span>,
              className: 'cell-actions',
              render: (h) => (
                <span className="row-actions">
                  <Button onClick={() => setDialog({ host: h })} disabled={!zone.data}>
                    Edit
                  </Button>
                  <Button onClick={() => setDeleting(h)}>Delete</Button>
                </span>
              ),
            },
          ]}
          pagination={<PagesOf info={info} page={page} onPage={setPage} busy={hosts.loading} />}
        />
      </Card>
      <ServerCertificatesCard certificates={certificates} />

      {dialog && zone.data ? (
        <HostDialog
          zone={zone.data}
          {...(dialog.host ? { host: dialog.host } : {})}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            hosts.reload();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete host"
          confirmLabel="Delete"
          errorTitle="Cannot delete the host"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await hostsApi.remove(zoneId, deleting.id);
            hosts.reload();
          }}
        >
          <p>
            Delete <strong>{deleting.hostname}</strong>? The edge stops answering for it at once.
            Firewall rules that name it stay as they are.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
