import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Zone } from '../../api/types.ts';
import { useSession } from '../../layout/session.tsx';
import { Link, navigate } from '../../router.tsx';
import { Button, Card, ErrorBanner, FormField, PagesOf, Table, useAsync } from '../../ui/index.ts';
import { formatDate } from '../../ui/format.ts';

const PER_PAGE = 20;

/** Home: the zones of the account picked in the top bar; a click opens one. */
export function HomeScreen() {
  const { account } = useSession();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [draft, setDraft] = useState('');
  const zones = useAsync(
    (signal) =>
      api.page<Zone>('/zones', {
        query: { 'account.id': account?.id, page, per_page: PER_PAGE, name: search || undefined },
        signal,
      }),
    [account?.id, page, search],
  );
  const info = zones.data?.info;

  return (
    <div className="screen">
      <h1 className="screen-title">{account?.name ?? 'Your zones'}</h1>
      <p className="screen-lead">
        Pick a zone to manage its firewall, client certificates and hosts.
      </p>
      <Card
        title="Zones"
        actions={
          <form
            className="search-form"
            onSubmit={(e) => {
              e.preventDefault();
              setSearch(draft.trim().toLowerCase());
              setPage(1);
            }}
          >
            <FormField label="Zone name" className="field-inline">
              <input
                type="search"
                value={draft}
                placeholder="example.com"
                onChange={(e) => {
                  setDraft(e.target.value);
                  if (e.target.value === '') setSearch('');
                }}
              />
            </FormField>
            <Button type="submit">Find</Button>
          </form>
        }
      >
        <ErrorBanner error={zones.error} title="Cannot list the zones" onRetry={zones.reload} />
        <Table
          caption="Zones"
          hideCaption
          rows={zones.data?.items ?? []}
          rowKey={(z) => z.id}
          loading={zones.loading}
          empty={search ? `No zone is named ${search}.` : 'This account has no zones yet.'}
          onRowClick={(z) => navigate(`/zones/${z.id}/firewall`)}
          columns={[
            {
              header: 'Zone',
              render: (z) => (
                <Link to={`/zones/${z.id}/firewall`} className="strong-link">
                  {z.name}
                </Link>
              ),
            },
            {
              header: 'Status',
              render: (z) => (
                <span className={`badge ${z.paused ? 'badge-muted' : 'badge-success'}`}>
                  {z.paused ? 'Paused' : 'Active'}
                </span>
              ),
            },
            { header: 'Account', render: (z) => z.account.name },
            { header: 'Added', render: (z) => formatDate(z.created_on) },
          ]}
          pagination={<PagesOf info={info} page={page} onPage={setPage} busy={zones.loading} />}
        />
      </Card>
    </div>
  );
}
