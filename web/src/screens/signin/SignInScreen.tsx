import { useState, type FormEvent } from 'react';
import { api, errorMessage, setToken } from '../../api/client.ts';
import { Button, FormField } from '../../ui/index.ts';

/**
 * Sign in with an API token. The token is checked with `GET /user/tokens/verify` and then
 * kept in this tab's sessionStorage only: closing the tab signs out.
 */
export function SignInScreen(props: { onSignedIn: () => void; reason?: string }) {
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | null>(props.reason ?? null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter an API token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api.get<{ status: string }>('/user/tokens/verify', { token: value });
      if (result.status !== 'active') throw new Error(`this token is ${result.status}`);
      setToken(value);
      props.onSignedIn();
    } catch (err) {
      setError(`Cannot sign in: ${errorMessage(err)}`);
      setBusy(false);
    }
  };

  return (
    <div className="center-page signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true" />
          Portcullis
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">
          Use an API token, such as the admin token that <code>portcullis serve</code> printed on
          its first start. It stays in this browser tab only.
        </p>
        <FormField label="API token" error={error}>
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setTokenText(e.target.value)}
            autoFocus
          />
        </FormField>
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Sign in
        </Button>
      </form>
    </div>
  );
}
