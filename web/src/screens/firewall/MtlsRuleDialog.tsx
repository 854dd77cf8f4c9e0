/**
 * Create a mTLS rule: a rule that blocks requests to the API hosts that come without a valid
 * client certificate. The hosts start as every host of the zone with mTLS enabled.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { fetchAll } from '../../api/client.ts';
import type { Host } from '../../api/types.ts';
import { mtlsExpression } from './mtls-expression.ts';
import { Link } from '../../router.tsx';
import {
  Button,
  CloseIcon,
  Dialog,
  ErrorBanner,
  FormField,
  IconButton,
  Notice,
  Spinner,
} from '../../ui/index.ts';

export function MtlsRuleDialog(props: {
  zoneId: string;
  onDeploy: (input: { description: string; expression: string }) => Promise<void>;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [hosts, setHosts] = useState<string[]>([]);
  const [zoneHosts, setZoneHosts] = useState<Host[]>([]);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [extra, setExtra] = useState('');
  const [blockRevoked, setBlockRevoked] = useState(false);
  const [deploying, setDeploying] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [nameError, setNameError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    fetchAll<Host>(`/zones/${props.zoneId}/hosts`).then(
      (all) => {
        if (!live) return;
        setZoneHosts(all);
        setHosts(all.filter((h) => h.mtls_enabled).map((h) => h.hostname));
        setLoading(false);
      },
      (err: unknown) => live && (setLoadError(err), setLoading(false)),
    );
    return () => {
      live = false;
    };
  }, [props.zoneId]);

  // The removed chip took the focus with it: give it to the next chip, or to the host input.
  const chips = useRef<HTMLUListElement>(null);
  const hostInput = useRef<HTMLInputElement>(null);
  const removeHost = (host: string) => {
    const index = hosts.indexOf(host);
    setHosts(hosts.filter((h) => h !== host));
    requestAnimationFrame(() => {
      const buttons = chips.current?.querySelectorAll<HTMLButtonElement>('button');
      const next = buttons?.[Math.min(index, buttons.length - 1)];
      (next ?? hostInput.current)?.focus();
    });
  };

  const addHost = () => {
    const host = extra.trim().toLowerCase();
    if (host && !hosts.includes(host)) setHosts([...hosts, host]);
    setExtra('');
  };

  const deploy = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!name.trim()) {
      setNameError('Give the rule a name.');
      return;
    }
    setNameError(null);
    setDeploying(true);
    setError(null);
    try {
      await props.onDeploy({
        description: name.trim(),
        expression: mtlsExpression(hosts, blockRevoked),
      });
      props.onClose();
    } catch (err) {
      setError(err);
      setDeploying(false);
    }
  };

  const withoutMtls = zoneHosts.filter((h) => !h.mtls_enabled && !hosts.includes(h.hostname));
  return (
    <Dialog
      title="Mutual TLS Rule"
      description="Blocks requests to the API hosts that do not present a valid client certificate."
      onClose={props.onClose}
      busy={deploying}
      footer={
        <>
          <Button onClick={props.onClose} disabled={deploying}>
            Cancel
          </Button>
          <Button
            variant="primary"
            onClick={() => void deploy()}
            busy={deploying}
            disabled={loading || hosts.length === 0}
          >
            Deploy
          </Button>
        </>
      }
    >
      <form onSubmit={deploy}>
        <FormField label="Rule name" error={nameError}>
          <input
            type="text"
            value={name}
            maxLength={500}
            placeholder="mTLS for the API hosts"
            onChange={(e) => setName(e.target.value)}
          />
        </FormField>

        <fieldset className="chips-field">
          <legend>API hosts</legend>
          {loading ? <Spinner label="Loading the zone's hosts…" /> : null}
          <ErrorBanner error={loadError} title="Cannot list the zone's hosts" />
          {!loading && hosts.length === 0 ? (
            <Notice tone="warning">
              No API host is selected. Enable mTLS for a host in{' '}
              <Link to={`/zones/${props.zoneId}/ssl-tls/client-certificates`}>
                SSL/TLS → Client Certificates
              </Link>
              , or add a hostname below.
            </Notice>
          ) : null}
          <ul className="chips" ref={chips} hidden={hosts.length === 0}>
            {hosts.map((host) => (
              <li key={host} className="chip">
                <span>{host}</span>
                <IconButton
                  label={`Remove ${host}`}
                  icon={<CloseIcon />}
                  className="chip-remove"
                  onClick={() => removeHost(host)}
                />
              </li>
            ))}
          </ul>
          <div className="chips-add">
            <FormField label="Add a host" className="field-inline">
              <input
                type="text"
                ref={hostInput}
                value={extra}
                list="mtls-host-options"
                placeholder="api.example.com"
                onChange={(e) => setExtra(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    addHost();
                  }
                }}
              />
            </FormField>
            <datalist id="mtls-host-options">
              {withoutMtls.map((h) => (
                <option key={h.id} value={h.hostname} />
              ))}
            </datalist>
            <Button onClick={addHost} disabled={!extra.trim()}>
              Add
            </Button>
          </div>
        </fieldset>

        <label className="checkbox">
          <input
            type="checkbox"
            checked={blockRevoked}
            onChange={(e) => setBlockRevoked(e.target.checked)}
          />
          <span>
            Also block revoked certificates. A revoked certificate still counts as verified, so
            without this a revoked certificate passes this rule.
          </span>
        </label>

        <div className="preview">
          <span className="section-title">Expression</span>
          <code className="preview-text">
            {hosts.length ? mtlsExpression(hosts, blockRevoked) : '—'}
          </code>
        </div>
        <ErrorBanner error={error} title="Cannot deploy the rule" />
      </form>
    </Dialog>
  );
}
