import { useId, useState, type FormEvent } from 'react';
import { useSession } from '../../layout/session.tsx';
import { Dialog, ErrorBanner, FormField, FormFooter } from '../../ui/index.ts';
import { PRESETS, resourceKey, tokensApi } from './tokens-api.ts';

/** The end of a day in UTC, as the API's `expires_on`. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59Z`).toISOString();
}

/**
 * Create Token: a name, what the token may do (a preset), where (every account, the current
 * account, or one of its zones) and an optional expiry. The API refuses what the signed-in
 * token does not hold itself, and says so.
 */
export function CreateTokenDialog(props: {
  onClose: () => void;
  onCreated: (name: string, secret: string) => void;
}) {
  const { account, zones } = useSession();
  const formId = useId();
  const [name, setName] = useState('');
  const [preset, setPreset] = useState(PRESETS[0]!.id);
  const [scope, setScope] = useState(account ? `account:${account.id}` : 'all');
  const [expires, setExpires] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Name the token after what uses it, e.g. "CI deploy".';
    if (expires && endOfDay(expires) <= new Date().toISOString()) {
      found.expires = 'Choose a day from today on.';
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return;

    const chosen = PRESETS.find((p) => p.id === preset)!;
    const [kind, id = ''] = scope.split(':') as ['all' | 'account' | 'zone', string?];
    setBusy(true);
    setError(null);
    try {
      const created = await tokensApi.create({
        name: name.trim(),
        policies: [
          {
            effect: 'allow',
            permission_groups: chosen.permissions.map((p) => ({ id: p })),
            resources: { [resourceKey(kind === 'all' ? { kind } : { kind, id })]: '*' },
          },
        ],
        ...(expires ? { expires_on: endOfDay(expires) } : {}),
      });
      props.onCreated(created.name, created.value);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Create Token"
      description="A token for a script, a CI job or another dashboard user."
      onClose={props.onClose}
      busy={busy}
      footer={
        <FormFooter formId={formId} submitLabel="Create" busy={busy} onCancel={props.onClose} />
      }
    >
      <form
        id={formId}
        onSubmit={submit}
        // A field's complaint goes once the operator starts to fix it.
        onChange={() => Object.keys(problems).length > 0 && setProblems({})}
        noValidate
      >
        <ErrorBanner error={error} title="Cannot create the token" />
        <FormField label="Token name" error={problems.name}>
          <input
            type="text"
            maxLength={120}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </FormField>
        <fieldset className="choice-group">
          <legend>Permissions</legend>
          {PRESETS.map((p) => (
            <label key={p.id} className="choice">
              <input
                type="radio"
                name={`${formId}-preset`}
                checked={preset === p.id}
                onChange={() => setPreset(p.id)}
              />
              <span>
                {p.label}
                <small className="muted">{p.description}</small>
              </span>
            </label>
          ))}
        </fieldset>
        <FormField label="Resources" hint="Where the permissions apply.">
          <select value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="all">All accounts</option>
            {account ? (
              <option value={`account:${account.id}`}>
                Account {account.name} and all its zones
              </option>
            ) : null}
            {zones.map((z) => (
              <option key={z.id} value={`zone:${z.id}`}>
                Zone {z.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          label="Expires on (optional)"
          hint="The token stops working at the end of this day (UTC). Empty: never."
          error={problems.expires}
        >
          <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </FormField>
      </form>
    </Dialog>
  );
}
