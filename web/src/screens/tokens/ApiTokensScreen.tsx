import '../manage.css';
import { useState } from 'react';
import { setToken } from '../../api/client.ts';
import { useSession } from '../../layout/session.tsx';
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
import { formatDate, formatDateTime } from '../../ui/format.ts';
import { useAction } from '../../ui/use-action.ts';
import { CreateTokenDialog } from './CreateTokenDialog.tsx';
import { TokenSecretDialog } from './TokenSecret.tsx';
import { describeResources, tokensApi, type ApiToken } from './tokens-api.ts';

const PER_PAGE = 20;

const STATUS_TONES: Record<ApiToken['status'], string> = {
  active: 'badge-success',
  disabled: 'badge-muted',
  expired: 'badge-danger',
};

const STATUS_NAMES: Record<ApiToken['status'], string> = {
  active: 'Active',
  disabled: 'Disabled',
  expired: 'Expired',
};

/**
 * API Tokens: every token with its status, permissions, last use and expiry; create one
 * (its secret shown once), switch it off and on, roll its secret, delete it.
 */
export function ApiTokensScreen() {
  const { accounts, zones } = useSession();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [rolling, setRolling] = useState<ApiToken>();
  const [deleting, setDeleting] = useState<ApiToken>();
  const [secret, setSecret] = useState<{ title: string; name: string; value: string }>();
  const action = useAction();
  const tokens = useAsync((signal) => tokensApi.list(page, PER_PAGE, signal), [page]);
  const current = useAsync((signal) => tokensApi.current(signal), []);
  const currentId = current.data?.id;
  const info = tokens.data?.info;
  const names = new Map<string, string>([
    ...accounts.map((a) => [a.id, a.name] as [string, string]),
    ...zones.map((z) => [z.id, z.name] as [string, string]),
  ]);

  const setStatus = (token: ApiToken, on: boolean) =>
    action.run(`status:${token.id}`, async () => {
      await tokensApi.setStatus(token, on ? 'active' : 'disabled');
      tokens.reload();
    });

  return (
    <div className="screen">
      <h1 className="screen-title">API Tokens</h1>
      <p className="screen-lead">
        Tokens for the <code>/client/v4</code> API and this dashboard. A token shows its secret
        once; Portcullis keeps only its hash.
      </p>
      <Card
        title="Tokens"
        actions={
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
            Create Token
          </Button>
        }
      >
        <ErrorBanner error={tokens.error} title="Cannot list the tokens" onRetry={tokens.reload} />
        <ErrorBanner error={action.error} title="Cannot change the token" />
        <Table
          caption="API tokens"
          hideCaption
          rows={tokens.data?.items ?? []}
          rowKey={(t) => t.id}
          loading={tokens.loading}
          empty="No tokens."
          columns={[
            {
              header: 'Name',
              render: (t) => (
                <span className="strong">
                  {t.name}
                  {t.id === currentId ? (
                    <span className="badge badge-info badge-after">This session</span>
                  ) : null}
                </span>
              ),
            },
            {
              header: 'Permissions',
              render: (t) => (
                <span className="token-policies">
                  {t.policies.map((p, i) => (
                    <span key={p.id ?? i}>
                      <code>{p.permission_groups.map((g) => g.id).join(', ')}</code> on{' '}
                      {describeResources(p.resources, names)}
                    </span>
                  ))}
                </span>
              ),
            },
            {
              header: 'Status',
              render: (t) => (
                <span className="switch-cell">
                  {t.status === 'expired' ? null : (
                    <Toggle
                      checked={t.status === 'active'}
                      label={`Active: ${t.name}`}
                      onChange={(on) => setStatus(t, on)}
                      busy={action.pending === `status:${t.id}`}
                      disabled={action.pending !== null || t.id === currentId}
                    />
                  )}
                  <span className={`badge ${STATUS_TONES[t.status]}`}>
                    {STATUS_NAMES[t.status]}
                  </span>
                </span>
              ),
            },
            {
              header: 'Last used',
              render: (t) => (t.last_used_on ? formatDateTime(t.last_used_on) : '—'),
            },
            {
              header: 'Expires',
              render: (t) => (t.expires_on ? formatDate(t.expires_on) : 'Never'),
            },
            {
              header: <span className="visually-hidden">Actions</span>,
              className: 'cell-actions',
              render: (t) => (
                <span className="row-actions">
                  <Button onClick={() => setRolling(t)}>Roll</Button>
                  <Button onClick={() => setDeleting(t)}>Delete</Button>
                </span>
              ),
            },
          ]}
          pagination={<PagesOf info={info} page={page} onPage={setPage} busy={tokens.loading} />}
        />
      </Card>

      {creating ? (
        <CreateTokenDialog
          onClose={() => setCreating(false)}
          onCreated={(name, value) => {
            setCreating(false);
            setSecret({ title: 'Token created', name, value });
            tokens.reload();
          }}
        />
      ) : null}
      {rolling ? (
        <ConfirmDialog
          title="Roll token"
          confirmLabel="Roll"
          tone="primary"
          errorTitle="Cannot roll the token"
          onClose={() => setRolling(undefined)}
          onConfirm={async () => {
            const value = await tokensApi.roll(rolling.id);
            // Rolling this session's own token would sign it out: carry on with the new one.
            if (rolling.id === currentId) setToken(value);
            setSecret({ title: 'Token rolled', name: rolling.name, value });
            tokens.reload();
          }}
        >
          <p>
            Give <strong>{rolling.name}</strong> a new secret? The current secret stops working at
            once{rolling.id === currentId ? '; this session continues with the new one' : ''}.
          </p>
        </ConfirmDialog>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete token"
          confirmLabel="Delete"
          errorTitle="Cannot delete the token"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await tokensApi.remove(deleting.id);
            tokens.reload();
          }}
        >
          <p>
            Delete <strong>{deleting.name}</strong>? Whatever uses it is refused from now on.
          </p>
          {deleting.id === currentId ? (
            <p className="banner banner-warning">
              This is the token of this session: the dashboard signs out once it is deleted.
            </p>
          ) : null}
        </ConfirmDialog>
      ) : null}
      {secret ? (
        <TokenSecretDialog
          title={secret.title}
          name={secret.name}
          secret={secret.value}
          onClose={() => setSecret(undefined)}
        />
      ) : null}
    </div>
  );
}
