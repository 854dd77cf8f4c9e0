/**
 * The Firewall Rules tab: the zone's custom rules in the order the edge evaluates them, each
 * with its switch, edit, delete and move controls, and the two ways to create one.
 */
import { useEffect, useRef, useState } from 'react';
import type { Ruleset, RulesetRule } from '../../api/types.ts';
import {
  ArrowDownIcon,
  ArrowUpIcon,
  Button,
  Card,
  Dialog,
  ErrorBanner,
  IconButton,
  Loading,
  Pagination,
  PlusIcon,
  Table,
  Toggle,
  TrashIcon,
  useAsync,
  WrenchIcon,
} from '../../ui/index.ts';
import { MtlsRuleDialog } from './MtlsRuleDialog.tsx';
import { RuleDialog } from './RuleDialog.tsx';
import {
  actionLabel,
  createRule,
  deleteRule,
  loadRuleset,
  moveRule,
  setRuleEnabled,
  updateRule,
} from './rules-api.ts';

const PER_PAGE = 25;

type Open =
  | { kind: 'none' }
  | { kind: 'mtls' }
  | { kind: 'create' }
  | { kind: 'edit'; rule: RulesetRule }
  | { kind: 'delete'; rule: RulesetRule };

function ruleName(rule: RulesetRule): string {
  return rule.description || 'Unnamed rule';
}

export function RulesTab(props: { zoneId: string }) {
  const { zoneId } = props;
  const ruleset = useAsync((signal) => loadRuleset(zoneId, signal), [zoneId]);
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [busy, setBusy] = useState<{ id: string; what: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState('');
  const [page, setPage] = useState(1);
  const focusAfter = useRef<{ id: string; control: string } | null>(null);
  const table = useRef<HTMLDivElement>(null);

  const rules = ruleset.data?.rules ?? [];
  const totalPages = Math.max(1, Math.ceil(rules.length / PER_PAGE));
  const shown = rules.slice((page - 1) * PER_PAGE, page * PER_PAGE);

  // After a move the rule's row is re-rendered elsewhere; keep the keyboard on its button.
  useEffect(() => {
    const target = focusAfter.current;
    if (!target || !table.current) return;
    focusAfter.current = null;
    // The same button, or at the top or bottom of the list the other move button, or Edit.
    const order = [target.control, target.control === 'up' ? 'down' : 'up', 'edit'];
    for (const control of order) {
      const selector = `[data-rule="${target.id}"][data-control="${control}"]`;
      const button = table.current.querySelector<HTMLButtonElement>(selector);
      if (button && !button.disabled) {
        button.focus();
        break;
      }
    }
  }, [ruleset.data, page]);

  const run = async (
    rule: RulesetRule,
    what: string,
    change: () => Promise<Ruleset>,
    done: string,
  ) => {
    setBusy({ id: rule.id, what });
    setError(null);
    try {
      const next = await change();
      ruleset.setData(next);
      setAnnounce(done);
      return next;
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(null);
    }
  };

  const move = async (rule: RulesetRule, index: number, direction: 'up' | 'down') => {
    if (!ruleset.data) return;
    const next = await run(
      rule,
      direction,
      () =>
        moveRule(zoneId, ruleset.data as Ruleset, rule, index + 1 + (direction === 'up' ? -1 : 1)),
      `Rule moved ${direction}, to place ${index + 1 + (direction === 'up' ? -1 : 1)}.`,
    );
    if (next) {
      const place = next.rules.findIndex((r) => r.id === rule.id);
      setPage(Math.floor(place / PER_PAGE) + 1);
      focusAfter.current = { id: rule.id, control: direction };
    }
  };

  const saveNew = async (input: Parameters<typeof createRule>[2]) => {
    const next = await createRule(zoneId, ruleset.data ?? null, input);
    ruleset.setData(next);
    setPage(Math.ceil(next.rules.length / PER_PAGE));
    setAnnounce('Firewall rule created.');
  };

  if (ruleset.loading && !ruleset.data) return <Loading label="Loading the firewall rules…" />;

  return (
    <>
      <Card
        title="Firewall Rules"
        description="Rules run in this order on every request to the zone's hosts; the first rule that blocks ends the evaluation."
        actions={
          <>
            <Button onClick={() => setOpen({ kind: 'mtls' })} disabled={!!ruleset.error}>
              Create a mTLS rule
            </Button>
            <Button
              variant="primary"
              icon={<PlusIcon />}
              onClick={() => setOpen({ kind: 'create' })}
              disabled={!!ruleset.error}
            >
              Create firewall rule
            </Button>
          </>
        }
      >
        <ErrorBanner
          error={ruleset.error}
          title="Cannot load the firewall rules"
          onRetry={ruleset.reload}
        />
        <ErrorBanner error={error} title="The change was not made" />
        <p className="visually-hidden" aria-live="polite">
          {announce}
        </p>
        <div ref={table}>
          <Table
            caption="Firewall rules, in the order they run"
            hideCaption
            rows={shown}
            rowKey={(r) => r.id}
            loading={ruleset.loading}
            empty="No firewall rules yet. Create one, or start with a mTLS rule."
            columns={[
              {
                header: 'Order',
                className: 'cell-order',
                render: (r) => rules.indexOf(r) + 1,
              },
              {
                header: 'Name',
                render: (r) => (
                  <div className="rule-name">
                    <span className="rule-title">{ruleName(r)}</span>
                    <code className="rule-expression" title={r.expression}>
                      {r.expression}
                    </code>
                  </div>
                ),
              },
              {
                header: 'Action',
                render: (r) => (
                  <span
                    className={`badge ${r.action === 'block' ? 'badge-danger' : r.action === 'log' ? 'badge-info' : 'badge-success'}`}
                  >
                    {actionLabel(r)}
                  </span>
                ),
              },
              {
                header: 'On / Off',
                render: (r) => (
                  <Toggle
                    checked={r.enabled}
                    label={`Enabled: ${ruleName(r)}`}
                    busy={busy?.id === r.id && busy.what === 'toggle'}
                    onChange={(enabled) =>
                      void run(
                        r,
                        'toggle',
                        () => setRuleEnabled(zoneId, ruleset.data as Ruleset, r, enabled),
                        `Rule turned ${enabled ? 'on' : 'off'}.`,
                      )
                    }
                  />
                ),
              },
              {
                header: <span className="visually-hidden">Actions</span>,
                className: 'cell-actions',
                render: (r) => {
                  const index = rules.indexOf(r);
                  const working = busy?.id === r.id;
                  return (
                    <>
                      <IconButton
                        label="Move up"
                        title={`Move ${ruleName(r)} up`}
                        icon={<ArrowUpIcon />}
                        data-rule={r.id}
                        data-control="up"
                        disabled={index === 0 || !!busy}
                        busy={working && busy?.what === 'up'}
                        onClick={() => void move(r, index, 'up')}
                      />
                      <IconButton
                        label="Move down"
                        title={`Move ${ruleName(r)} down`}
                        icon={<ArrowDownIcon />}
                        data-rule={r.id}
                        data-control="down"
                        disabled={index === rules.length - 1 || !!busy}
                        busy={working && busy?.what === 'down'}
                        onClick={() => void move(r, index, 'down')}
                      />
                      <IconButton
                        label="Edit"
                        title={`Edit ${ruleName(r)}`}
                        icon={<WrenchIcon />}
                        data-rule={r.id}
                        data-control="edit"
                        onClick={() => setOpen({ kind: 'edit', rule: r })}
                      />
                      <IconButton
                        label="Delete"
                        title={`Delete ${ruleName(r)}`}
                        icon={<TrashIcon />}
                        className="btn-icon-danger"
                        disabled={!!busy}
                        onClick={() => setOpen({ kind: 'delete', rule: r })}
                      />
                    </>
                  );
                },
              },
            ]}
            pagination={
              totalPages > 1 ? (
                <Pagination
                  page={page}
                  totalPages={totalPages}
                  totalCount={rules.length}
                  onPage={setPage}
                />
              ) : null
            }
          />
        </div>
      </Card>

      {open.kind === 'mtls' ? (
        <MtlsRuleDialog
          zoneId={zoneId}
          onClose={() => setOpen({ kind: 'none' })}
          onDeploy={(input) => saveNew({ ...input, action: 'block' })}
        />
      ) : null}
      {open.kind === 'create' ? (
        <RuleDialog zoneId={zoneId} onClose={() => setOpen({ kind: 'none' })} onSave={saveNew} />
      ) : null}
      {open.kind === 'edit' && ruleset.data ? (
        <RuleDialog
          zoneId={zoneId}
          rule={open.rule}
          onClose={() => setOpen({ kind: 'none' })}
          onSave={async (input) => {
            const next = await updateRule(zoneId, ruleset.data as Ruleset, open.rule, input);
            ruleset.setData(next);
            setAnnounce('Firewall rule saved.');
          }}
        />
      ) : null}
      {open.kind === 'delete' ? (
        <DeleteRuleDialog
          rule={open.rule}
          onClose={() => setOpen({ kind: 'none' })}
          onDelete={async () => {
            const next = await deleteRule(zoneId, ruleset.data as Ruleset, open.rule);
            ruleset.setData(next);
            setPage((p) => Math.min(p, Math.max(1, Math.ceil(next.rules.length / PER_PAGE))));
            setAnnounce('Firewall rule deleted.');
          }}
        />
      ) : null}
    </>
  );
}

function DeleteRuleDialog(props: {
  rule: RulesetRule;
  onDelete: () => Promise<void>;
  onClose: () => void;
}) {
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setDeleting(true);
    setError(null);
    try {
      await props.onDelete();
      props.onClose();
    } catch (err) {
      setError(err);
      setDeleting(false);
    }
  };
  return (
    <Dialog
      title="Delete firewall rule"
      size="small"
      onClose={props.onClose}
      busy={deleting}
      footer={
        <>
          <Button onClick={props.onClose} disabled={deleting} data-autofocus>
            Cancel
          </Button>
          <Button variant="danger" busy={deleting} onClick={() => void confirm()}>
            Delete
          </Button>
        </>
      }
    >
      <p>
        Delete <strong>{ruleName(props.rule)}</strong>? The edge stops applying it at once, and this
        cannot be undone.
      </p>
      <ErrorBanner error={error} title="Cannot delete the rule" />
    </Dialog>
  );
}
