import type { ConfigChange } from './types.ts';

type Listener = (change: ConfigChange) => void;

/**
 * Fans committed configuration changes out to subscribers in this process. A listener that
 * throws is reported through `onListenerError` and does not stop the others: one broken
 * subscriber must not keep an edge from hearing of a revocation.
 */
export class ChangeFeed {
  readonly #listeners = new Set<Listener>();
  readonly #onListenerError: (err: unknown) => void;

  constructor(onListenerError: (err: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(change: ConfigChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }
}
