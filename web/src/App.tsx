/**
 * The top of the dashboard: sign-in until the tab holds a working token, then the shell
 * with the screen of the current hash path.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, clearToken, fetchAll, getToken, onUnauthorized } from './api/client.ts';
import type { Account, Zone } from './api/types.ts';
import { SessionProvider } from './layout/session.tsx';
import { resolveRoute, Shell } from './layout/Shell.tsx';
import { ParamsProvider, useLocation } from './router.tsx';
import { SignInScreen } from './screens/signin/SignInScreen.tsx';
import { ErrorBanner, Loading } from './ui/index.ts';

type State =
  | { kind: 'signed-out'; reason?: string }
  | { kind: 'loading' }
  | { kind: 'ready'; accounts: Account[] }
  | { kind: 'failed'; error: unknown };

/** The accounts the token may read; a token without account access gets them from its zones. */
async function loadAccounts(): Promise<Account[]> {
  await api.get('/user/tokens/verify');
  try {
    const accounts = await fetchAll<Account>('/accounts');
    if (accounts.length > 0) return accounts;
  } catch {
    // Fall through: a token limited to zones may not read accounts.
  }
  const zones = await fetchAll<Zone>('/zones');
  const byId = new Map(zones.map((z) => [z.account.id, z.account]));
  return [...byId.values()];
}

export function App() {
  const [state, setState] = useState<State>(() =>
    getToken() ? { kind: 'loading' } : { kind: 'signed-out' },
  );
  const { path } = useLocation();

  const signOut = useCallback((reason?: string) => {
    clearToken();
    setState({ kind: 'signed-out', reason });
  }, []);

  useEffect(
    () => onUnauthorized(() => signOut('The API no longer accepts this token. Sign in again.')),
    [signOut],
  );

  useEffect(() => {
    if (state.kind !== 'loading') return;
    loadAccounts().then(
      (accounts) => setState({ kind: 'ready', accounts }),
      (error: unknown) => setState({ kind: 'failed', error }),
    );
  }, [state.kind]);

  const match = resolveRoute(path);
  useEffect(() => {
    document.title = match ? `${match.route.title} · Portcullis` : 'Portcullis';
  }, [match]);

  if (state.kind === 'signed-out') {
    return <SignInScreen reason={state.reason} onSignedIn={() => setState({ kind: 'loading' })} />;
  }
  if (state.kind === 'loading') return <Loading label="Signing in…" />;
  if (state.kind === 'failed') {
    return (
      <div className="center-page">
        <ErrorBanner
          title="Cannot load the dashboard"
          error={state.error}
          onRetry={() => setState({ kind: 'loading' })}
        />
      </div>
    );
  }

  const Screen = match?.route.component;
  return (
    <SessionProvider accounts={state.accounts} signOut={() => signOut()}>
      <Shell zoneId={match?.params.zoneId}>
        {Screen && match ? (
          <ParamsProvider params={match.params}>
            <Screen key={match.route.path + JSON.stringify(match.params)} />
          </ParamsProvider>
        ) : (
          <div className="screen">
            <h1 className="screen-title">Page not found</h1>
            <p>
              There is no screen at <code>{path}</code>. <a href="#/">Go to your zones</a>.
            </p>
          </div>
        )}
      </Shell>
    </SessionProvider>
  );
}
