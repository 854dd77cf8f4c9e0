import { useId, useState, type FormEvent } from 'react';
import { Button, ErrorBanner, FormField, Notice } from '../../ui/index.ts';
import { useAction } from '../../ui/use-action.ts';
import { fetchBundle, saveFile } from './certificates-api.ts';

/**
 * The downloads a device needs: the PEM bundle (certificate, CA and, when Portcullis made
 * it, the key) and the password-protected PKCS#12 file that phones import. Without a key in
 * Portcullis (a certificate issued from the device's own CSR) there is no `.p12` to make.
 */
export function DeviceBundle(props: {
  zoneId: string;
  certificateId: string;
  /** Whether Portcullis holds the key: false hides the `.p12` form; unknown shows it. */
  hasKey?: boolean;
}) {
  const headingId = useId();
  const [password, setPassword] = useState('');
  const [profile, setProfile] = useState<'compatible' | 'modern'>('compatible');
  const [passwordError, setPasswordError] = useState<string>();
  const action = useAction();

  const downloadPem = () =>
    action.run('pem', async () => {
      const file = await fetchBundle(props.zoneId, props.certificateId, { format: 'pem' });
      saveFile(file.blob, file.fileName);
    });

  const downloadP12 = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < 1) {
      setPasswordError('Choose a password: the phone asks for it when the bundle is installed.');
      return;
    }
    setPasswordError(undefined);
    void action.run('p12', async () => {
      const file = await fetchBundle(props.zoneId, props.certificateId, {
        format: 'p12',
        password,
        profile,
      });
      saveFile(file.blob, file.fileName);
    });
  };

  return (
    <section className="bundle" aria-labelledby={headingId}>
      <h3 id={headingId} className="bundle-title">
        Device bundle
      </h3>
      <ErrorBanner error={action.error} title="Cannot download the bundle" />
      <div className="bundle-row">
        <Button onClick={downloadPem} busy={action.pending === 'pem'}>
          Download PEM bundle
        </Button>
        <span className="muted">
          {props.hasKey === false
            ? 'The certificate and the managed CA'
            : props.hasKey
              ? 'The certificate, the managed CA and the private key'
              : 'The certificate, the managed CA and, when Portcullis generated it, the private key'}{' '}
          in one <code>.pem</code> file, for servers and command-line clients.
        </span>
      </div>
      {props.hasKey === false ? (
        <Notice>
          This certificate was issued from your own CSR, so its private key is not in Portcullis.
          Build the <code>.p12</code> where the key is, e.g. with{' '}
          <code>openssl pkcs12 -export</code>.
        </Notice>
      ) : (
        <form
          className="bundle-form"
          onSubmit={downloadP12}
          onChange={() => setPasswordError(undefined)}
          noValidate
        >
          <FormField
            label="Bundle password"
            hint="At most 128 characters. Send it apart from the file."
            error={passwordError}
          >
            <input
              type="password"
              autoComplete="new-password"
              maxLength={128}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </FormField>
          <FormField
            label="Bundle format"
            hint="Compatible is read by iOS, iPadOS, macOS and Android; modern uses AES-256."
          >
            <select
              value={profile}
              onChange={(e) => setProfile(e.target.value as 'compatible' | 'modern')}
            >
              <option value="compatible">Compatible (3DES, SHA-1 MAC)</option>
              <option value="modern">Modern (AES-256, SHA-256)</option>
            </select>
          </FormField>
          <Button type="submit" busy={action.pending === 'p12'}>
            Download device bundle (.p12)
          </Button>
        </form>
      )}
    </section>
  );
}
