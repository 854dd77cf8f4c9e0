import { useId, useState, type FormEvent } from 'react';
import { Button, Dialog, ErrorBanner, FormField, FormFooter } from '../../ui/index.ts';
import { formatDate } from '../../ui/format.ts';
import {
  DEFAULT_VALIDITY_DAYS,
  KEY_TYPES,
  VALIDITY_CHOICES,
  certificatesApi,
  type ClientCertificate,
} from './certificates-api.ts';
import { CertificateDetails } from './CertificateDetails.tsx';

type Mode = 'generate' | 'csr';

interface Subject {
  common_name: string;
  organization: string;
  organizational_unit: string;
  country: string;
  state: string;
  location: string;
}

const EMPTY_SUBJECT: Subject = {
  common_name: '',
  organization: '',
  organizational_unit: '',
  country: '',
  state: '',
  location: '',
};

const SUBJECT_FIELDS: { key: keyof Subject; label: string; hint?: string; max: number }[] = [
  { key: 'organization', label: 'Organization', max: 64 },
  { key: 'organizational_unit', label: 'Organizational unit', max: 64 },
  { key: 'country', label: 'Country', hint: 'Two letters, e.g. US.', max: 2 },
  { key: 'state', label: 'State or province', max: 128 },
  { key: 'location', label: 'Locality', max: 128 },
];

/** What the form found wrong before sending anything. */
function problemsOf(mode: Mode, subject: Subject, csr: string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (mode === 'generate') {
    if (!subject.common_name.trim()) problems.common_name = 'Give the device a common name.';
    if (subject.country && !/^[A-Za-z]{2}$/.test(subject.country.trim())) {
      problems.country = 'Use the two-letter country code, e.g. US.';
    }
  } else if (!csr.trim()) {
    problems.csr = 'Paste the certificate signing request, from -----BEGIN to END-----.';
  }
  return problems;
}

/**
 * Create Certificate: either Portcullis generates the key and CSR (the key is shown once),
 * or the operator pastes the device's CSR; then the validity. On success the dialog shows
 * the certificate, the key and the device bundle in place of the form.
 */
export function CreateCertificateDialog(props: {
  zoneId: string;
  onClose: () => void;
  /** Called once a certificate exists, so that the list can show it. */
  onCreated: () => void;
}) {
  const formId = useId();
  const [mode, setMode] = useState<Mode>('generate');
  const [keyType, setKeyType] = useState<string>(KEY_TYPES[0].value);
  const [subject, setSubject] = useState<Subject>(EMPTY_SUBJECT);
  const [csr, setCsr] = useState('');
  const [validityDays, setValidityDays] = useState(DEFAULT_VALIDITY_DAYS);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ cert: ClientCertificate; key?: string }>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = problemsOf(mode, subject, csr);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'generate') {
        const trimmed = Object.fromEntries(
          Object.entries(subject)
            .map(([k, v]) => [k, k === 'country' ? v.trim().toUpperCase() : v.trim()])
            .filter(([, v]) => v),
        ) as Partial<Subject>;
        const { private_key: key, ...cert } = await certificatesApi.generate(props.zoneId, {
          common_name: subject.common_name.trim(),
          ...trimmed,
          key_type: keyType,
          validity_days: validityDays,
        });
        setCreated({ cert, key });
      } else {
        setCreated({ cert: await certificatesApi.fromCsr(props.zoneId, csr.trim(), validityDays) });
      }
      props.onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Dialog
        title="Certificate created"
        description={`${created.cert.common_name}, valid until ${formatDate(created.cert.expires_on)}.`}
        size="large"
        onClose={props.onClose}
        footer={
          <Button variant="primary" onClick={props.onClose}>
            Done
          </Button>
        }
      >
        <CertificateDetails
          zoneId={props.zoneId}
          certificate={created.cert}
          {...(created.key ? { privateKey: created.key } : { hasKey: false })}
          focusOnShow
        />
      </Dialog>
    );
  }

  const field = (key: keyof Subject) => ({
    value: subject[key],
    onChange: (e: { target: { value: string } }) =>
      setSubject((s) => ({ ...s, [key]: e.target.value })),
  });

  return (
    <Dialog
      title="Create Certificate"
      description="The managed CA of this zone's account signs the certificate; devices present it to hosts with mTLS."
      size="large"
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
        <ErrorBanner error={error} title="Cannot create the certificate" />
        <fieldset className="choice-group">
          <legend>Private key and CSR</legend>
          <label className="choice">
            <input
              type="radio"
              name={`${formId}-mode`}
              checked={mode === 'generate'}
              onChange={() => setMode('generate')}
            />
            <span>
              Generate private key and CSR with Portcullis
              <small className="muted">
                The key is shown once when the certificate is created.
              </small>
            </span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name={`${formId}-mode`}
              checked={mode === 'csr'}
              onChange={() => setMode('csr')}
            />
            <span>
              Use my private key and CSR
              <small className="muted">
                The key never leaves the device; the subject comes from the CSR.
              </small>
            </span>
          </label>
        </fieldset>

        {mode === 'generate' ? (
          <div className="form-grid">
            <FormField label="Private key type">
              <select value={keyType} onChange={(e) => setKeyType(e.target.value)}>
                {KEY_TYPES.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            </FormField>
            <FormField
              label="Common name"
              hint="Names the device in lists and in rules, e.g. device-0017."
              error={problems.common_name}
            >
              <input
                type="text"
                required
                maxLength={64}
                autoComplete="off"
                {...field('common_name')}
              />
            </FormField>
            {SUBJECT_FIELDS.map((f) => (
              <FormField
                key={f.key}
                label={`${f.label} (optional)`}
                hint={f.hint}
                error={problems[f.key]}
              >
                <input type="text" maxLength={f.max} autoComplete="off" {...field(f.key)} />
              </FormField>
            ))}
          </div>
        ) : (
          <FormField
            label="Certificate signing request (CSR)"
            hint="PEM, from -----BEGIN CERTIFICATE REQUEST-----. RSA 2048 or more, or EC P-256 or P-384."
            error={problems.csr}
          >
            <textarea
              rows={10}
              spellCheck={false}
              value={csr}
              onChange={(e) => setCsr(e.target.value)}
              placeholder="-----BEGIN CERTIFICATE REQUEST-----"
            />
          </FormField>
        )}

        <FormField label="Certificate Validity">
          <select value={validityDays} onChange={(e) => setValidityDays(Number(e.target.value))}>
            {VALIDITY_CHOICES.map((v) => (
              <option key={v.days} value={v.days}>
                {v.label}
              </option>
            ))}
          </select>
        </FormField>
      </form>
    </Dialog>
  );
}
