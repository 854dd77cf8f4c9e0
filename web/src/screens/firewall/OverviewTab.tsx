/**
 * The Firewall Overview: events over time by action, the top rules, hosts, client
 * certificates and denial reasons, and the event log with its filters and one event's
 * details.
 */
import { useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import type { FirewallAnalytics, FirewallEvent, TopItem } from '../../api/types.ts';
import {
  Button,
  Card,
  CopyButton,
  CursorPagination,
  Dialog,
  ErrorBanner,
  FormField,
  Spinner,
  Table,
  useAsync,
} from '../../ui/index.ts';
import { formatDateTime } from '../../ui/format.ts';
import { EventsChart, eventCount } from './EventsChart.tsx';
import {
  actionName,
  EVENT_ACTIONS,
  KNOWN_REASONS,
  RANGES,
  reasonLabel,
  type RangeId,
} from './event-labels.ts';
import { loadRuleset } from './rules-api.ts';

const PER_PAGE = 25;

interface Filters {
  action: string;
  host: string;
  rule: string;
  reason: string;
  certificate: string;
}

const NO_FILTERS: Filters = { action: '', host: '', rule: '', reason: '', certificate: '' };

function rangeOf(id: RangeId) {
  const range = RANGES.find((r) => r.id === id) ?? RANGES[2];
  // Whole minutes, so that a re-render does not shift the window and refetch.
  const until = Math.ceil(Date.now() / 60_000) * 60_000;
  return {
    since: new Date(until - range.ms).toISOString(),
    until: new Date(until).toISOString(),
    buckets: range.buckets,
  };
}

function TopList(props: {
  title: string;
  items: TopItem[];
  label: (value: string) => string;
  onPick: (value: string) => void;
  mono?: boolean;
}) {
  const max = Math.max(1, ...props.items.map((i) => i.count));
  return (
    <Card title={props.title} headingLevel={3} className="top-card">
      {props.items.length === 0 ? (
        <p className="muted">No events.</p>
      ) : (
        <ol className="top-list">
          {props.items.map((item) => (
            <li key={item.value}>
              <button
                type="button"
                className="top-item"
                title={`Show the events of ${props.label(item.value)}`}
                onClick={() => props.onPick(item.value)}
              >
                <span className={`top-label${props.mono ? ' mono' : ''}`}>
                  {props.label(item.value)}
                </span>
                <span className="top-count">{item.count}</span>
                <span
                  className="top-bar"
                  style={{ width: `${(item.count / max) * 100}%` }}
                  aria-hidden="true"
                />
              </button>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

export function OverviewTab(props: { zoneId: string }) {
  const { zoneId } = props;
  const [rangeId, setRangeId] = useState<RangeId>('24h');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<FirewallEvent | null>(null);
  const [refresh, setRefresh] = useState(0);
  // Refresh moves the window to now.
  const range = useMemo(() => rangeOf(rangeId), [rangeId, refresh]);

  const rules = useAsync((signal) => loadRuleset(zoneId, signal), [zoneId]);
  const ruleNames = new Map((rules.data?.rules ?? []).map((r) => [r.id, r.description || r.id]));
  const ruleLabel = (id: string) => ruleNames.get(id) ?? `Rule ${id.slice(0, 8)}… (deleted)`;

  const analytics = useAsync(
    (signal) =>
      api.get<FirewallAnalytics>(`/zones/${zoneId}/firewall/analytics`, {
        query: { since: range.since, until: range.until, buckets: range.buckets, top: 5 },
        signal,
      }),
    [zoneId, range],
  );

  const cursor = cursors[cursors.length - 1];
  const events = useAsync(
    (signal) =>
      api.page<FirewallEvent>(`/zones/${zoneId}/firewall/events`, {
        query: {
          since: range.since,
          until: range.until,
          action: filters.action,
          host: filters.host,
          rule_id: filters.rule,
          reason: filters.reason,
          cert_fingerprint: filters.certificate,
          cursor,
          per_page: PER_PAGE,
        },
        signal,
      }),
    [zoneId, range, filters, cursor],
  );

  const setFilter = (change: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...change }));
    setCursors([undefined]);
  };
  const top = analytics.data?.top;
  const active = Object.values(filters).some(Boolean);

  return (
    <>
      <div className="toolbar">
        <FormField label="Time range" className="field-inline">
          <select
            value={rangeId}
            onChange={(e) => {
              setRangeId(e.target.value as RangeId);
              setCursors([undefined]);
            }}
          >
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </FormField>
        <Button
          onClick={() => {
            setRefresh((n) => n + 1);
            setCursors([undefined]);
          }}
          busy={analytics.loading || events.loading}
        >
          Refresh
        </Button>
      </div>

      <Card
        title="Firewall events"
        description={
          analytics.data
            ? `${eventCount(analytics.data.total)}, by action`
            : 'Events by action over time'
        }
      >
        <ErrorBanner
          error={analytics.error}
          title="Cannot load the analytics"
          onRetry={analytics.reload}
        />
        {analytics.data ? (
          <EventsChart data={analytics.data} />
        ) : analytics.loading ? (
          <Spinner label="Loading…" />
        ) : null}
        <p className="chart-note muted">
          Every blocked and logged request is recorded; allowed requests are sampled, about 1 in
          100, so an allowed request may leave no event.
        </p>
      </Card>

      <div className="top-grid">
        <TopList
          title="Top rules"
          items={top?.rules ?? []}
          label={ruleLabel}
          onPick={(v) => setFilter({ rule: v })}
        />
        <TopList
          title="Top hosts"
          items={top?.hosts ?? []}
          label={(v) => v}
          onPick={(v) => setFilter({ host: v })}
        />
        <TopList
          title="Top client certificates"
          items={top?.certificates ?? []}
          label={(v) => `${v.slice(0, 16)}…`}
          onPick={(v) => setFilter({ certificate: v })}
          mono
        />
        <TopList
          title="Top denial reasons"
          items={top?.reasons ?? []}
          label={reasonLabel}
          onPick={(v) => setFilter({ reason: v })}
        />
      </div>

      <Card title="Event log" description="Newest first. Click an event for its details.">
        <div className="filters" role="group" aria-label="Event filters">
          <FormField label="Action" className="field-inline">
            <select value={filters.action} onChange={(e) => setFilter({ action: e.target.value })}>
              <option value="">All actions</option>
              {EVENT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {actionName(a)}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Host" className="field-inline">
            <input
              type="text"
              value={filters.host}
              placeholder="api.example.com"
              onChange={(e) => setFilter({ host: e.target.value.trim() })}
            />
          </FormField>
          <FormField label="Rule" className="field-inline">
            <select value={filters.rule} onChange={(e) => setFilter({ rule: e.target.value })}>
              <option value="">All rules</option>
              {(rules.data?.rules ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {r.description || r.id}
                </option>
              ))}
              {filters.rule && !ruleNames.has(filters.rule) ? (
                <option value={filters.rule}>{ruleLabel(filters.rule)}</option>
              ) : null}
            </select>
          </FormField>
          <FormField label="Reason" className="field-inline">
            <select value={filters.reason} onChange={(e) => setFilter({ reason: e.target.value })}>
              <option value="">All reasons</option>
              {KNOWN_REASONS.map((r) => (
                <option key={r} value={r}>
                  {reasonLabel(r)}
                </option>
              ))}
            </select>
          </FormField>
          <FormField label="Certificate SHA-256" className="field-inline">
            <input
              type="text"
              value={filters.certificate}
              placeholder="fingerprint"
              onChange={(e) => setFilter({ certificate: e.target.value.trim() })}
            />
          </FormField>
          {active ? (
            <Button variant="link" onClick={() => setFilter(NO_FILTERS)}>
              Clear filters
            </Button>
          ) : null}
        </div>
        <ErrorBanner error={events.error} title="Cannot load the events" onRetry={events.reload} />
        <Table
          caption="Firewall events"
          hideCaption
          rows={events.data?.items ?? []}
          rowKey={(e) => e.id}
          loading={events.loading}
          empty={
            active ? 'No event matches these filters.' : 'No firewall events in this time range.'
          }
          onRowClick={setSelected}
          columns={[
            { header: 'Time', render: (e) => formatDateTime(e.occurred_at) },
            {
              header: 'Action',
              render: (e) => (
                <span
                  className={`badge ${e.action === 'block' ? 'badge-danger' : e.action === 'log' ? 'badge-info' : 'badge-success'}`}
                >
                  {actionName(e.action)}
                </span>
              ),
            },
            { header: 'Host', render: (e) => e.host },
            {
              header: 'Request',
              render: (e) => <span className="cell-mono">{`${e.method} ${e.path}`}</span>,
            },
            {
              header: 'Client IP',
              render: (e) => <span className="cell-mono">{e.client_ip}</span>,
            },
            {
              header: 'Rule',
              className: 'cell-truncate',
              render: (e) =>
                e.rule_id ? <span title={ruleLabel(e.rule_id)}>{ruleLabel(e.rule_id)}</span> : '—',
            },
            { header: 'Reason', render: (e) => reasonLabel(e.reason) },
            {
              header: <span className="visually-hidden">Details</span>,
              className: 'cell-actions',
              render: (e) => (
                <Button
                  variant="link"
                  aria-label={`Details of event ${e.ray_id}`}
                  onClick={(ev) => {
                    ev.stopPropagation();
                    setSelected(e);
                  }}
                >
                  Details
                </Button>
              ),
            },
          ]}
          pagination={
            <CursorPagination
              hasPrevious={cursors.length > 1}
              hasNext={!!events.data?.info.cursor}
              onPrevious={() => setCursors((c) => c.slice(0, -1))}
              onNext={() => setCursors((c) => [...c, events.data?.info.cursor])}
              busy={events.loading}
              status={`Page ${cursors.length}`}
            />
          }
        />
      </Card>

      {selected ? (
        <EventDetail event={selected} ruleLabel={ruleLabel} onClose={() => setSelected(null)} />
      ) : null}
    </>
  );
}

function EventDetail(props: {
  event: FirewallEvent;
  ruleLabel: (id: string) => string;
  onClose: () => void;
}) {
  const e = props.event;
  const rows: [string, string][] = [
    ['Time', formatDateTime(e.occurred_at)],
    ['Ray ID', e.ray_id],
    ['Action', actionName(e.action)],
    ['Reason', `${reasonLabel(e.reason)}${e.reason ? ` (${e.reason})` : ''}`],
    ['Host', e.host],
    ['Method', e.method],
    ['Path', e.path],
    ['Client IP', e.client_ip],
    ['Rule', e.rule_id ? `${props.ruleLabel(e.rule_id)} (${e.rule_id})` : 'None'],
    ['Certificate serial', e.cert_serial ?? 'None'],
    ['Certificate SHA-256', e.cert_fingerprint_sha256 ?? 'None'],
  ];
  return (
    <Dialog
      title="Firewall event"
      description={`${actionName(e.action)} · ${e.method} ${e.host}${e.path}`}
      onClose={props.onClose}
      footer={
        <>
          <CopyButton text={JSON.stringify(e, null, 2)} label="Copy as JSON" />
          <Button variant="primary" onClick={props.onClose}>
            Done
          </Button>
        </>
      }
    >
      <dl className="details">
        {rows.map(([k, v]) => (
          <div key={k} className="details-row">
            <dt>{k}</dt>
            <dd
              className={
                k.includes('SHA') || k === 'Ray ID' || k === 'Client IP' ? 'mono' : undefined
              }
            >
              {v}
            </dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
