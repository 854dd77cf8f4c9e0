import { useEffect, useRef, useState } from 'react';
import {
  Button,
  Card,
  Dialog,
  ErrorBanner,
  FormField,
  PagesOf,
  PlusIcon,
  Table,
  useAsync,
} from '../../ui/index.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { formatDate, shorten } from '../../ui/format.ts';
import { useAction } from '../../ui/use-action.ts';
import {
  STATUS_LABELS,
  certificatesApi,
  type CertificateStatus,
  type ClientCertificate,
} from './certificates-api.ts';
import { CertificateDetails } from './CertificateDetails.tsx';
import { CreateCertificateDialog } from './CreateCertificateDialog.tsx';
import { StatusBadge } from './StatusBadge.tsx';

const PER_PAGE = 20;
/** How often the list looks again while a revocation or restore is still settling. */
const SETTLE_POLL_MS = 1500;

const revocable = (s: CertificateStatus) => s === 'active' || s === 'pending_reactivation';

/**
 * The zone's client certificates, oldest first (the only order the API gives), filtered by
 * status: Create Certificate, Revoke (after a confirmation) and Restore, and the details of
 * one with its downloads.
 */
export function CertificateList(props: {
  zoneId: string;
  /** Called when a certificate listed here changes status, e.g. to re-read the CA's CRL. */
  onStatusChange?: () => void;
}) {
  const { zoneId, onStatusChange } = props;
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('all');
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ClientCertificate>();
  const [showing, setShowing] = useState<ClientCertificate>();
  const action = useAction();

  const list = useAsync(
    (signal) => certificatesApi.list(zoneId, { page, perPage: PER_PAGE, status }, signal),
    [zoneId, page, status],
  );
  const rows = list.data?.items ?? [];
  const info = list.data?.info;

  // pending_* settle once every edge has the change: look again until they have.
  const settling = rows.some((c) => c.status.startsWith('pending_'));
  useEffect(() => {
    if (!settling || list.loading) return;
    const timer = setTimeout(list.reload, SETTLE_POLL_MS);
    return () => clearTimeout(timer);
  }, [settling, list.loading, list.reload]);

  // Every revocation and restore shows here as a changed status, whoever made it, and as a
  // second change once the edges have it: each one may have issued a new CRL.
  const statuses = rows.map((c) => `${c.id}:${c.status}`).join(' ');
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!list.data) return;
    if (seen.current !== undefined && seen.current !== statuses) onStatusChange?.();
    seen.current = statuses;
  }, [list.data, statuses, onStatusChange]);

  const restore = (cert: ClientCertificate) =>
    action.run(`restore:${cert.id}`, async () => {
      await certificatesApi.restore(zoneId, cert.id);
      list.reload();
    });

  return (
    <Card
      title="Certificates"
      description="Certificates from the managed CA of this zone's account. Devices present them to hosts with mTLS; revoked ones stay listed and can be restored."
      actions={
        <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
          Create Certificate
        </Button>
      }
    >
      <ErrorBanner error={list.error} title="Cannot list the certificates" onRetry={list.reload} />
      <ErrorBanner error={action.error} title="Cannot restore the certificate" />
      <div className="list-toolbar">
        <FormField label="Status" className="field-inline">
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPage(1);
            }}
          >
            <option value="all">All</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <Table
        caption="Client certificates"
        hideCaption
        rows={rows}
        rowKey={(c) => c.id}
        loading={list.loading}
        empty={
          status === 'all'
            ? 'No client certificates yet. Create Certificate issues the first.'
            : `No certificate is ${STATUS_LABELS[status as CertificateStatus].toLowerCase()}.`
        }
        columns={[
          {
            header: 'Common name',
            render: (c) => (
              <button type="button" className="link-button" onClick={() => setShowing(c)}>
                {c.common_name || c.serial_number}
              </button>
            ),
          },
          { header: 'Status', render: (c) => <StatusBadge status={c.status} /> },
          { header: 'Expires', render: (c) => formatDate(c.expires_on) },
          {
            header: 'SHA-256 fingerprint',
            render: (c) => (
              <span className="mono" title={c.fingerprint_sha256}>
                <span aria-hidden="true">{shorten(c.fingerprint_sha256)}</span>
                <span className="visually-hidden">{c.fingerprint_sha256}</span>
              </span>
            ),
          },
          {
            header: <span className="visually-hidden">Actions</span>,
            className: 'cell-actions',
            render: (c) =>
              revocable(c.status) ? (
                <Button
                  variant="danger"
                  onClick={() => setRevoking(c)}
                  disabled={action.pending !== null}
                >
                  Revoke
                </Button>
              ) : (
                <Button
                  onClick={() => restore(c)}
                  busy={action.pending === `restore:${c.id}`}
                  disabled={action.pending !== null}
                >
                  Restore
                </Button>
              ),
          },
        ]}
        pagination={<PagesOf info={info} page={page} onPage={setPage} busy={list.loading} />}
      />

      {creating ? (
        <CreateCertificateDialog
          zoneId={zoneId}
          onClose={() => setCreating(false)}
          onCreated={list.reload}
        />
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title="Revoke certificate"
          confirmLabel="Revoke"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await certificatesApi.revoke(zoneId, revoking.id);
            list.reload();
          }}
        >
          <p>
            Revoke <strong>{revoking.common_name}</strong> (serial{' '}
            <code className="break">{revoking.serial_number}</code>)?
          </p>
          <p className="muted">
            Within a second every edge sets <code>cf.tls_client_auth.cert_revoked</code> for it, on
            open connections too, and the CA&apos;s revocation list names it. A firewall rule must
            block revoked certificates. You can restore it later.
          </p>
        </ConfirmDialog>
      ) : null}
      {showing ? (
        <Dialog
          title={showing.common_name || 'Client certificate'}
          description="Client certificate"
          size="large"
          onClose={() => setShowing(undefined)}
          footer={<Button onClick={() => setShowing(undefined)}>Done</Button>}
        >
          <CertificateDetails zoneId={zoneId} certificate={showing} />
        </Dialog>
      ) : null}
    </Card>
  );
}
