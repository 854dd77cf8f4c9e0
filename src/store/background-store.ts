import { StoreError, StoreErrorCode } from './errors.ts';
import type { Store } from './store.ts';
import type { ConfigChange } from './types.ts';

export interface BackgroundOptions {
  /** How long to wait between attempts to open. Default 1 s. */
  retryMs?: number;
  /** Called with each failed attempt. */
  onError?: (err: unknown) => void;
  /** Why an attempt made before this one failed, to tell callers until a new one does. */
  failedWith?: unknown;
}

/** A store that is being opened in the background, and what it will be once it is open. */
export interface BackgroundStore extends Store {
  /** Resolves with the opened store; never rejects, it keeps trying until closed. */
  readonly opened: Promise<Store>;
}

/**
 * Opens a store in the background, trying again until it succeeds, and answers in its place
 * meanwhile: every call fails with `PORTCULLIS_ERR_STORE_UNAVAILABLE` until the store is
 * open, then goes to it. Subscribers are kept and attached once it opens. This is how an edge
 * starts while its database is down: it serves a local copy and sees the store appear later.
 */
export function openInBackground(
  open: () => Promise<Store>,
  options: BackgroundOptions = {},
): BackgroundStore {
  const retryMs = options.retryMs ?? 1_000;
  let inner: Store | undefined;
  let lastError = options.failedWith;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Map<(change: ConfigChange) => void, () => void>();

  const opened = new Promise<Store>((resolve) => {
    const attempt = () => {
      open().then(
        async (store) => {
          if (closed) return void (await store.close());
          inner = store;
          for (const listener of listeners.keys())
            listeners.set(listener, store.subscribe(listener));
          resolve(store);
        },
        (err: unknown) => {
          lastError = err;
          options.onError?.(err);
          if (!closed) timer = setTimeout(attempt, retryMs);
        },
      );
    };
    attempt();
  });

  const own: Partial<BackgroundStore> = {
    opened,
    subscribe(listener) {
      listeners.set(listener, inner ? inner.subscribe(listener) : () => {});
      return () => {
        listeners.get(listener)?.();
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await inner?.close();
    },
  };
  return new Proxy(own as BackgroundStore, {
    get(target, name, receiver) {
      if (name in target) return Reflect.get(target, name, receiver);
      // Not a promise: `await` on this store must not take it for one.
      if (name === 'then' || typeof name === 'symbol') return undefined;
      if (inner) {
        const value = Reflect.get(inner, name) as unknown;
        return typeof value === 'function' ? value.bind(inner) : value;
      }
      return async () => {
        const why = lastError instanceof Error ? `: ${lastError.message}` : '';
        throw new StoreError(StoreErrorCode.Unavailable, `the database is not reachable yet${why}`);
      };
    },
  });
}
