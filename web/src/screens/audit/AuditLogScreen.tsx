import '../manage.css';
import { useId, useState } from 'react';
import { fetchAll } from '../../api/client.ts';
import { useSession } from '../../layout/session.tsx';
import { useParams } from '../../router.tsx';
import { Button, Card, ErrorBanner, FormField, PagesOf, Table, useAsync } from '../../ui/index.ts';
import { formatDateTime, shorten } from '../../ui/format.ts';
import type { ApiToken } from '../tokens/tokens-api.ts';
import { AuditEntryDialog } from './AuditEntryDialog.tsx';
import { KNOWN_ACTIONS, listAudit, type AuditEntry, type AuditFilters } from './audit-api.ts';

const PER_PAGE = 25;
const NO_FILTERS: AuditFilters = { action: '', zoneName: '', since: '', before: '' };

/**
 * Audit Log: every change made through the API in this account, newest first, filtered by
 * action, zone and time, with each entry's value before and after in a dialog.
 */
export function AuditLogScreen() {
  const { accountId = '' } = useParams();
  const { zones } = useSession();
  const actionsId = useId();
  const [page, setPage] = useState(1);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [open, setOpen] = useState<AuditEntry>();

  const entries = useAsync(
    (signal) => listAudit(accountId, page, PER_PAGE, filters, signal),
    [accountId, page, filters],
  );
  // Names for the actors, who are tokens; a token that may not list tokens shows ids only.
  const tokens = useAsync(() => fetchAll<ApiToken>('/user/tokens').catch(() => []), []);
  const actorName = (id: string) => tokens.data?.find((t) => t.id === id)?.name;
  const info = entries.data?.info;
  const filtered = Object.values(filters).some(Boolean);

  const set = (key: keyof AuditFilters) => (value: string) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setPage(1);
  };

  return (
    <div className="screen">
      <h1 className="screen-title">Audit Log</h1>
      <p className="screen-lead">
        Who changed what and when in this account, with the value before and after. Changes to API
        tokens are recorded under the first account.
      </p>
      <Card title="Changes">
        <div className="list-toolbar" role="search" aria-label="Filter the audit log">
          <FormField label="Action" className="field-inline">
            <input
              type="text"
              list={actionsId}
              value={filters.action}
              placeholder="Any"
              onChange={(e) => set('action')(e.target.value)}
            />
          </FormField>
          <datalist id={actionsId}>
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <FormField label="Zone" className="field-inline">
            <select value={filters.zoneName} onChange={(e) => set('zoneName')(e.target.value)}>
              <option value="">Any</option>
              {zones.map((z) => (
                <option key={z.id} value={z.name}>
                  {z.name}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Since" className="field-inline">
            <input
              type="datetime-local"
              value={filters.since}
              onChange={(e) => set('since')(e.target.value)}
            />
          </FormField>
          <FormField label="Before" className="field-inline">
            <input
              type="datetime-local"
              value={filters.before}
              onChange={(e) => set('before')(e.target.value)}
            />
          </FormField>
          {filtered ? (
            <Button
              variant="link"
              onClick={() => {
                setFilters(NO_FILTERS);
                setPage(1);
              }}
            >
              Clear filters
            </Button>
          ) : null}
        </div>
        <ErrorBanner
          error={entries.error}
          title="Cannot read the audit log"
          onRetry={entries.reload}
        />
        <Table
          caption="Audit log entries, newest first"
          hideCaption
          rows={entries.data?.items ?? []}
          rowKey={(e) => e.id}
          loading={entries.loading}
          empty={filtered ? 'No change matches these filters.' : 'No changes recorded yet.'}
          onRowClick={setOpen}
          columns={[
            {
              header: 'When',
              render: (e) => (
                <button
                  type="button"
                  className="link-button"
                  title="Show the whole entry"
                  onClick={(event) => {
                    // The row opens the same dialog; once is enough.
                    event.stopPropagation();
                    setOpen(e);
                  }}
                >
                  {formatDateTime(e.when)}
                </button>
              ),
            },
            {
              header: 'Actor',
              render: (e) => (
                <span title={e.actor.id}>
                  {actorName(e.actor.id) ?? <span className="mono">{shorten(e.actor.id, 6)}</span>}
                </span>
              ),
            },
            {
              header: 'Action',
              render: (e) => <span className="badge badge-info">{e.action.type}</span>,
            },
            {
              header: 'Resource',
              render: (e) => (
                <span>
                  {e.resource.type.replace(/_/g, ' ')}{' '}
                  <span className="mono muted" title={e.resource.id}>
                    {shorten(e.resource.id, 6)}
                  </span>
                </span>
              ),
            },
            { header: 'Zone', render: (e) => e.metadata.zone_name ?? '—' },
          ]}
          pagination={<PagesOf info={info} page={page} onPage={setPage} busy={entries.loading} />}
        />
      </Card>
      {open ? (
        <AuditEntryDialog
          entry={open}
          actorName={actorName(open.actor.id)}
          onClose={() => setOpen(undefined)}
        />
      ) : null}
    </div>
  );
}
