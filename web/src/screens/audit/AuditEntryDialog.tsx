import { Button, Dialog } from '../../ui/index.ts';
import { formatDateTime } from '../../ui/format.ts';
import type { AuditEntry } from './audit-api.ts';

/** A recorded value as readable JSON; an empty object means there was none. */
function jsonText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object' && Object.keys(value).length === 0) return undefined;
  return JSON.stringify(value, null, 2);
}

function Value(props: { title: string; value: unknown; none: string }) {
  const text = jsonText(props.value);
  return (
    <section className="audit-value" aria-label={props.title}>
      <h3 className="audit-value-title">{props.title}</h3>
      {text ? (
        <pre className="json" tabIndex={0}>
          {text}
        </pre>
      ) : (
        <p className="muted">{props.none}</p>
      )}
    </section>
  );
}

/** One audit entry in full: who, what, where and when, and the value before and after. */
export function AuditEntryDialog(props: {
  entry: AuditEntry;
  actorName: string | undefined;
  onClose: () => void;
}) {
  const e = props.entry;
  return (
    <Dialog
      title="Audit log entry"
      description={`${e.action.type} ${e.resource.type}, ${formatDateTime(e.when)}`}
      size="large"
      onClose={props.onClose}
      footer={<Button onClick={props.onClose}>Done</Button>}
    >
      <dl className="facts">
        <dt>When</dt>
        <dd>
          {formatDateTime(e.when)} <span className="muted mono">({e.when})</span>
        </dd>
        <dt>Actor</dt>
        <dd>
          {props.actorName ? `${props.actorName}, ` : ''}
          {e.actor.type} <span className="mono">{e.actor.id}</span>
        </dd>
        <dt>Action</dt>
        <dd>
          {e.action.type} {e.action.result ? '' : '(failed)'}
        </dd>
        <dt>Resource</dt>
        <dd>
          {e.resource.type} <span className="mono break">{e.resource.id}</span>
        </dd>
        <dt>Zone</dt>
        <dd>{e.metadata.zone_name ?? e.metadata.zone_id ?? '—'}</dd>
        <dt>Interface</dt>
        <dd>{e.interface}</dd>
        <dt>Entry id</dt>
        <dd className="mono">{e.id}</dd>
      </dl>
      <div className="audit-values">
        <Value title="Before" value={e.oldValueJson} none="Nothing: the change created it." />
        <Value title="After" value={e.newValueJson} none="Nothing: the change removed it." />
      </div>
    </Dialog>
  );
}
