import '../manage.css';
import { useEffect } from 'react';
import { ApiError } from '../../api/client.ts';
import { Link } from '../../router.tsx';
import { Button, Card, ErrorBanner, Table, useAsync, type Column } from '../../ui/index.ts';
import { formatAge, formatClock, formatDateTime } from '../../ui/format.ts';
import { listEdges, type Edge } from './edges-api.ts';

/** An idle edge reports at least every 5 s, the pace at which the list can change. */
const REFRESH_MS = 5000;

function serving(edge: Edge) {
  return (
    <span className="edge-serving">
      <span className="mono">v{edge.applied_version}</span>
      {edge.versions_behind === 0 ? (
        <span className="muted">up to date</span>
      ) : (
        <span className="badge badge-warning">
          {edge.versions_behind} {edge.versions_behind === 1 ? 'version' : 'versions'} behind
        </span>
      )}
    </span>
  );
}

function source(edge: Edge) {
  if (edge.source === 'store') return 'database';
  if (edge.source === 'local copy') {
    return <span className="badge badge-warning">local copy — database unreachable</span>;
  }
  return edge.source;
}

function columns(now: number): Column<Edge>[] {
  return [
    {
      header: 'Name',
      render: (e) => (
        <span className="strong" title={`Edge id ${e.id}`}>
          {e.name}
        </span>
      ),
    },
    { header: 'Role', render: (e) => e.role },
    { header: 'Serving', render: serving },
    { header: 'Source', render: source },
    {
      header: 'Status',
      render: (e) =>
        e.live ? (
          <span className="badge badge-success">Live</span>
        ) : (
          <span className="badge badge-muted">Silent</span>
        ),
    },
    {
      header: 'Last report',
      render: (e) => (
        <time dateTime={e.last_seen} title={formatDateTime(e.last_seen)}>
          {formatAge(e.last_seen, now)}
        </time>
      ),
    },
    {
      header: 'First seen',
      render: (e) => <time dateTime={e.first_seen}>{formatDateTime(e.first_seen)}</time>,
    },
  ];
}

/**
 * Edges: every edge that reported to this installation, the configuration version it serves,
 * where that configuration came from and whether it still counts for revocations. The list
 * refreshes itself while the screen is open.
 */
export function EdgesScreen() {
  const fleet = useAsync((signal) => listEdges(signal), []);
  const { reload } = fleet;
  const forbidden = fleet.error instanceof ApiError && fleet.error.status === 403;

  useEffect(() => {
    // A token without edges:read stays refused; asking again every 5 s would change nothing.
    if (forbidden) return;
    const timer = setInterval(() => {
      if (!document.hidden) reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [forbidden, reload]);

  const data = fleet.data;
  const summary = data ? (
    <>
      Configuration version <strong>{data.configVersion}</strong> ·{' '}
      <strong>
        {data.live} of {data.edges.length}
      </strong>{' '}
      {data.edges.length === 1 ? 'edge' : 'edges'} live
    </>
  ) : fleet.loading ? (
    'Reading the edges…'
  ) : null;

  return (
    <div className="screen">
      <h1 className="screen-title">Edges</h1>
      <p className="screen-lead">
        The edges that reported to this installation and the configuration each one serves.
      </p>
      <Card
        className="edges-card"
        description={summary ? <span aria-live="polite">{summary}</span> : undefined}
        actions={
          <>
            {data ? (
              <span className="muted edges-updated">Updated {formatClock(data.fetchedAt)}</span>
            ) : null}
            <Button onClick={reload}>Refresh</Button>
          </>
        }
      >
        <ErrorBanner
          error={fleet.error}
          title="Cannot read the edges"
          onRetry={forbidden ? undefined : reload}
        />
        {forbidden ? (
          <p className="edges-hint">
            Edges serve every account, so the list needs a token with <code>edges:read</code> on all
            accounts (scope <code>*</code>). Create one under{' '}
            <Link to="/api-tokens">API Tokens</Link> and sign in with it.
          </p>
        ) : (
          <Table
            caption="Edges"
            hideCaption
            rows={data?.edges ?? []}
            rowKey={(e) => e.id}
            loading={fleet.loading}
            empty={
              fleet.error
                ? 'The edges could not be read.'
                : 'No edge has reported yet. An edge reports as it starts, then at least every 5 s.'
            }
            rowClassName={(e) => (e.live ? undefined : 'edge-silent')}
            columns={columns(data?.fetchedAt ?? Date.now())}
          />
        )}
        <p className="edges-note">
          A revocation settles, and the certificate turns from pending to revoked, once every live
          edge serves the configuration version that revoked it. An edge that has been silent for
          longer than <code>PORTCULLIS_EDGE_TIMEOUT_SECONDS</code> (30 s unless set) stops counting,
          so a stopped edge cannot hold a revocation back; it counts again as soon as it reports.
        </p>
      </Card>
    </div>
  );
}
