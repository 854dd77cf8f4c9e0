import { useState } from 'react';
import { fetchAll } from '../../api/client.ts';
import type { Host, Zone } from '../../api/types.ts';
import { Link } from '../../router.tsx';
import { Button, Card, ErrorBanner, Pagination, Table, useAsync } from '../../ui/index.ts';
import type { MtlsCertificate } from './certificates-api.ts';
import { EditHostsDialog } from './EditHostsDialog.tsx';

const PER_PAGE = 10;

/**
 * Hosts: the hostnames of the zone on which the edge asks for a client certificate, and the
 * CA each trusts. Edit changes the list through the hostname associations route.
 */
export function MtlsHostsCard(props: { zone: Zone; uploadedCas: MtlsCertificate[] }) {
  const { zone } = props;
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState(false);
  const hosts = useAsync(() => fetchAll<Host>(`/zones/${zone.id}/hosts`), [zone.id]);
  const enabled = (hosts.data ?? []).filter((h) => h.mtls_enabled);
  const totalPages = Math.max(1, Math.ceil(enabled.length / PER_PAGE));
  const shown = enabled.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  const caName = (id: string | null) =>
    id === null
      ? 'Managed CA'
      : (props.uploadedCas.find((ca) => ca.id === id)?.name ?? `Uploaded CA ${id}`);

  return (
    <Card
      title="Hosts"
      description="The edge asks for a client certificate on these hostnames. Asking does not enforce: a firewall rule decides what happens to requests without a valid certificate."
      actions={
        <Button onClick={() => setEditing(true)} disabled={!hosts.data}>
          Edit
        </Button>
      }
    >
      <ErrorBanner error={hosts.error} title="Cannot list the hosts" onRetry={hosts.reload} />
      <Table
        caption="Hostnames with mTLS"
        hideCaption
        rows={shown}
        rowKey={(h) => h.id}
        loading={hosts.loading}
        empty={
          (hosts.data ?? []).length === 0 ? (
            <>
              This zone has no hosts yet. Add one on the{' '}
              <Link to={`/zones/${zone.id}/hosts`}>Hosts</Link> screen.
            </>
          ) : (
            'No hostname asks for a client certificate yet. Edit chooses them.'
          )
        }
        columns={[
          { header: 'Hostname', render: (h) => <span className="strong">{h.hostname}</span> },
          { header: 'Trusted CA', render: (h) => caName(h.certificate_authority_id) },
          { header: 'Origin', render: (h) => <span className="mono">{h.origin}</span> },
        ]}
        pagination={
          totalPages > 1 ? (
            <Pagination
              page={page}
              totalPages={totalPages}
              totalCount={enabled.length}
              onPage={setPage}
            />
          ) : null
        }
      />
      {editing && hosts.data ? (
        <EditHostsDialog
          zone={zone}
          hosts={hosts.data}
          uploadedCas={props.uploadedCas}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            hosts.reload();
          }}
        />
      ) : null}
    </Card>
  );
}
