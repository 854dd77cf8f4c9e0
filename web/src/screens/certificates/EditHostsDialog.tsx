import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Host, Zone } from '../../api/types.ts';
import {
  Button,
  CloseIcon,
  Dialog,
  ErrorBanner,
  FormField,
  FormFooter,
  IconButton,
  Loading,
  Notice,
  useAsync,
} from '../../ui/index.ts';
import { certificatesApi, type MtlsCertificate } from './certificates-api.ts';

/**
 * The name as the zone's host would be called: the zone's name is added to a bare label or a
 * name outside the zone, as the dashboard of Cloudflare does ("api" becomes api.example.com).
 */
export function inZone(typed: string, zoneName: string): string {
  const name = typed.trim().toLowerCase().replace(/\.$/, '');
  if (!name) return '';
  return name === zoneName || name.endsWith(`.${zoneName}`) ? name : `${name}.${zoneName}`;
}

/**
 * Edit the hostnames that ask for a client certificate and trust one CA (the managed CA
 * unless an uploaded one is chosen). Save replaces the CA's whole list for the zone: a host
 * taken off stops asking for a certificate, a host added moves from any other CA.
 */
export function EditHostsDialog(props: {
  zone: Zone;
  hosts: Host[];
  uploadedCas: MtlsCertificate[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { zone } = props;
  const formId = useId();
  const listId = useId();
  const [caId, setCaId] = useState('');
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string>();
  const [edited, setEdited] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const current = useAsync(
    (signal) => certificatesApi.associations(zone.id, caId || undefined, signal),
    [zone.id, caId],
  );
  const hostnames = edited[caId] ?? current.data?.hostnames ?? [];
  const setHostnames = (names: string[]) => setEdited((e) => ({ ...e, [caId]: names }));
  const known = new Set(props.hosts.map((h) => h.hostname));
  const addable = props.hosts.map((h) => h.hostname).filter((h) => !hostnames.includes(h));

  const add = () => {
    const name = inZone(typed, zone.name);
    if (!name) return;
    if (!known.has(name)) {
      setTypedError(`${name} is not a host of ${zone.name}: add it on the Hosts screen first.`);
      return;
    }
    setTypedError(undefined);
    if (!hostnames.includes(name)) setHostnames([...hostnames, name]);
    setTyped('');
  };
  const onTypedKey = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter adds the typed hostname rather than saving the whole list.
    if (e.key === 'Enter') {
      e.preventDefault();
      add();
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await certificatesApi.setAssociations(zone.id, caId || undefined, hostnames);
      props.onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Edit mTLS hostnames"
      description={`The hosts of ${zone.name} that ask clients for a certificate.`}
      onClose={props.onClose}
      busy={busy}
      footer={
        <FormFooter
          formId={formId}
          submitLabel="Save"
          busy={busy}
          onCancel={props.onClose}
          disabled={current.loading && !edited[caId]}
        />
      }
    >
      <form id={formId} onSubmit={save}>
        <ErrorBanner error={error} title="Cannot save the hostnames" />
        {props.uploadedCas.length > 0 ? (
          <FormField
            label="Certificate authority"
            hint="Each CA has its own list; a host trusts one CA at a time."
          >
            <select value={caId} onChange={(e) => setCaId(e.target.value)}>
              <option value="">Managed CA</option>
              {props.uploadedCas.map((ca) => (
                <option key={ca.id} value={ca.id}>
                  {ca.name}
                </option>
              ))}
            </select>
          </FormField>
        ) : null}
        <ErrorBanner
          error={current.error}
          title="Cannot read the hostnames"
          onRetry={current.reload}
        />
        {current.loading && !current.data ? (
          <Loading label="Reading the hostnames…" />
        ) : (
          <>
            <p className="field-label" id={`${listId}-label`}>
              Hostnames with mTLS
            </p>
            {hostnames.length === 0 ? (
              <p className="muted">None: no host asks for a certificate from this CA.</p>
            ) : (
              <ul className="host-chips" aria-labelledby={`${listId}-label`}>
                {hostnames.map((h) => (
                  <li key={h} className="host-chip">
                    <span>{h}</span>
                    <IconButton
                      label={`Remove ${h}`}
                      icon={<CloseIcon />}
                      onClick={() => setHostnames(hostnames.filter((n) => n !== h))}
                    />
                  </li>
                ))}
              </ul>
            )}
            <div className="add-row">
              <FormField
                label="Add a hostname"
                hint={`A host of the zone; ${zone.name} is added to a bare name.`}
                error={typedError}
              >
                <input
                  type="text"
                  list={`${listId}-hosts`}
                  value={typed}
                  autoComplete="off"
                  placeholder={`api.${zone.name}`}
                  onChange={(e) => setTyped(e.target.value)}
                  onKeyDown={onTypedKey}
                />
              </FormField>
              <datalist id={`${listId}-hosts`}>
                {addable.map((h) => (
                  <option key={h} value={h} />
                ))}
              </datalist>
              <Button onClick={add} disabled={!typed.trim()}>
                Add
              </Button>
            </div>
            <Notice>
              A host that asks for a certificate still admits requests without one until a firewall
              rule blocks them (Firewall → Create a mTLS rule).
            </Notice>
          </>
        )}
      </form>
    </Dialog>
  );
}
