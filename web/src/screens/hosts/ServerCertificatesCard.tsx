import { useState } from 'react';
import { Card, ErrorBanner, Pagination, Table, type AsyncState } from '../../ui/index.ts';
import { formatDate } from '../../ui/format.ts';
import type { CustomCertificate } from './hosts-api.ts';

const PER_PAGE = 10;

/**
 * The server certificates uploaded for the zone, highest priority first: the edge presents
 * the first unexpired one that covers a host, and one from its built-in CA otherwise.
 */
export function ServerCertificatesCard(props: { certificates: AsyncState<CustomCertificate[]> }) {
  const { certificates } = props;
  const [page, setPage] = useState(1);
  const all = [...(certificates.data ?? [])].sort((a, b) => b.priority - a.priority);
  const totalPages = Math.max(1, Math.ceil(all.length / PER_PAGE));

  return (
    <Card
      title="Server certificates"
      description="Certificates uploaded for this zone (custom certificates). A host none of them covers gets a certificate from the edge's built-in CA."
    >
      <ErrorBanner
        error={certificates.error}
        title="Cannot list the server certificates"
        onRetry={certificates.reload}
      />
      <Table
        caption="Server certificates"
        hideCaption
        rows={all.slice((page - 1) * PER_PAGE, page * PER_PAGE)}
        rowKey={(c) => c.id}
        loading={certificates.loading}
        empty="None uploaded: every host presents a certificate from the built-in edge CA."
        columns={[
          { header: 'Hosts covered', render: (c) => c.hosts.join(', ') },
          { header: 'Issuer', render: (c) => <span className="break">{c.issuer}</span> },
          { header: 'Expires', render: (c) => formatDate(c.expires_on) },
          { header: 'Priority', render: (c) => c.priority },
          {
            header: 'Status',
            render: (c) => (
              <span className={`badge ${c.status === 'active' ? 'badge-success' : 'badge-danger'}`}>
                {c.status === 'active' ? 'Active' : 'Expired'}
              </span>
            ),
          },
        ]}
        pagination={
          totalPages > 1 ? (
            <Pagination
              page={page}
              totalPages={totalPages}
              totalCount={all.length}
              onPage={setPage}
            />
          ) : null
        }
      />
    </Card>
  );
}
