import { useId, useState, type FormEvent } from 'react';
import type { Host, Zone } from '../../api/types.ts';
import { Dialog, ErrorBanner, FormField, FormFooter, Toggle } from '../../ui/index.ts';
import { IDENTITY_HEADERS, headerOn, hostsApi, type IdentityHeader } from './hosts-api.ts';

/** What the form can tell before asking the API: a hostname and an http(s) origin. */
function problemsOf(hostname: string, origin: string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!hostname.trim()) problems.hostname = 'Give the hostname clients connect to.';
  if (!/^https?:\/\/\S+$/i.test(origin.trim())) {
    problems.origin = 'Give the origin as a URL starting with http:// or https://.';
  }
  return problems;
}

/**
 * Add host, or edit one: the hostname clients connect to, the origin the edge forwards to,
 * whether the edge asks for a client certificate and, when editing, which identity headers
 * the origin receives for a verified certificate.
 */
export function HostDialog(props: {
  zone: Zone;
  /** The host to edit; a new host without it. */
  host?: Host;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { zone, host } = props;
  const formId = useId();
  const [hostname, setHostname] = useState(host?.hostname ?? '');
  const [origin, setOrigin] = useState(host?.origin ?? '');
  const [mtls, setMtls] = useState(host?.mtls_enabled ?? false);
  const [headers, setHeaders] = useState<Record<IdentityHeader, boolean>>(
    () =>
      Object.fromEntries(
        IDENTITY_HEADERS.map((h) => [h.key, host ? headerOn(host, h.key) : h.byDefault]),
      ) as Record<IdentityHeader, boolean>,
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = problemsOf(hostname, origin);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    const fields = {
      hostname: hostname.trim(),
      origin: origin.trim(),
      mtls_enabled: mtls,
      ...(host ? { identity_headers: headers } : {}),
    };
    try {
      if (host) await hostsApi.edit(zone.id, host.id, fields);
      else await hostsApi.create(zone.id, fields);
      props.onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={host ? `Edit ${host.hostname}` : 'Add host'}
      description={`A hostname of ${zone.name} that the edge answers and forwards to an origin.`}
      onClose={props.onClose}
      busy={busy}
      footer={
        <FormFooter
          formId={formId}
          submitLabel={host ? 'Save' : 'Add host'}
          busy={busy}
          onCancel={props.onClose}
        />
      }
    >
      <form
        id={formId}
        onSubmit={submit}
        // A field's complaint goes once the operator starts to fix it.
        onChange={() => Object.keys(problems).length > 0 && setProblems({})}
        noValidate
      >
        <ErrorBanner error={error} title={host ? 'Cannot save the host' : 'Cannot add the host'} />
        <FormField
          label="Hostname"
          hint={`${zone.name} or a name under it, e.g. api.${zone.name}.`}
          error={problems.hostname}
        >
          <input
            type="text"
            autoComplete="off"
            maxLength={253}
            value={hostname}
            placeholder={`api.${zone.name}`}
            onChange={(e) => setHostname(e.target.value)}
          />
        </FormField>
        <FormField
          label="Origin URL"
          hint="Where the edge forwards requests, e.g. http://10.0.0.5:8080."
          error={problems.origin}
        >
          <input
            type="text"
            inputMode="url"
            autoComplete="off"
            maxLength={2048}
            value={origin}
            placeholder="http://127.0.0.1:9000"
            onChange={(e) => setOrigin(e.target.value)}
          />
        </FormField>
        <div className="switch-row">
          <Toggle checked={mtls} onChange={setMtls} label="mTLS" />
          <span>
            <strong>mTLS</strong>
            <span className="muted">
              {' '}
              The edge asks clients for a certificate; a firewall rule decides what happens without
              one.
            </span>
          </span>
        </div>
        {host ? (
          <fieldset className="choice-group">
            <legend>Identity headers for the origin</legend>
            <p className="muted field-note">
              Sent only for a verified, unrevoked certificate; copies sent by clients are always
              removed.
            </p>
            {IDENTITY_HEADERS.map((h) => (
              <label key={h.key} className="checkbox">
                <input
                  type="checkbox"
                  checked={headers[h.key]}
                  onChange={(e) => setHeaders((all) => ({ ...all, [h.key]: e.target.checked }))}
                />
                <span>{h.label}</span>
              </label>
            ))}
          </fieldset>
        ) : null}
      </form>
    </Dialog>
  );
}
