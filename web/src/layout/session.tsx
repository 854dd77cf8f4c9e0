/**
 * What the whole dashboard shares once signed in: the accounts the token may read, the
 * account picked, and the zones of that account for the zone picker.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { fetchAll } from '../api/client.ts';
import type { Account, Zone } from '../api/types.ts';

const ACCOUNT_KEY = 'portcullis.account';

export interface Session {
  accounts: Account[];
  account: Account | undefined;
  selectAccount: (id: string) => void;
  zones: Zone[];
  zonesError: unknown;
  zonesLoading: boolean;
  /** Reads the zones again, e.g. after one was added or deleted. */
  reloadZones: () => void;
  signOut: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function SessionProvider(props: {
  accounts: Account[];
  signOut: () => void;
  children: ReactNode;
}) {
  const { accounts } = props;
  const [accountId, setAccountId] = useState(
    () => sessionStorage.getItem(ACCOUNT_KEY) ?? accounts[0]?.id ?? '',
  );
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const [zones, setZones] = useState<Zone[]>([]);
  const [zonesError, setZonesError] = useState<unknown>(null);
  const [zonesLoading, setZonesLoading] = useState(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    setZonesLoading(true);
    setZonesError(null);
    // A token that may not read accounts still lists the zones it may read.
    fetchAll<Zone>('/zones', account ? { 'account.id': account.id } : {}).then(
      (z) => live && (setZones(z), setZonesLoading(false)),
      (err: unknown) => live && (setZonesError(err), setZonesLoading(false)),
    );
    return () => {
      live = false;
    };
  }, [account, tick]);

  const selectAccount = useCallback((id: string) => {
    sessionStorage.setItem(ACCOUNT_KEY, id);
    setAccountId(id);
  }, []);
  const reloadZones = useCallback(() => setTick((t) => t + 1), []);

  return (
    <SessionContext.Provider
      value={{
        accounts,
        account,
        selectAccount,
        zones,
        zonesError,
        zonesLoading,
        reloadZones,
        signOut: props.signOut,
      }}
    >
      {props.children}
    </SessionContext.Provider>
  );
}
