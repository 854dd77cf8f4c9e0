import type { EdgeNode, Store } from '../store/index.ts';

/** Whether an edge has reported recently enough to count. */
export function isLive(edge: EdgeNode, timeoutSeconds: number, now = Date.now()): boolean {
  return now - Date.parse(edge.lastSeen) <= timeoutSeconds * 1000;
}

/**
 * Waits for the edges' acknowledgements of configuration versions. One poll of the edges
 * serves every waiter, however many revocations are pending at once, and runs only while
 * someone waits.
 */
export class EdgeAcknowledgements {
  readonly #store: Pick<Store, 'listEdges'>;
  readonly #timeoutSeconds: number;
  readonly #checkMs: number;
  readonly #waiters = new Set<{ version: number; done: () => void }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Pick<Store, 'listEdges'>, timeoutSeconds: number, checkMs = 50) {
    this.#store = store;
    this.#timeoutSeconds = timeoutSeconds;
    this.#checkMs = checkMs;
  }

  /**
   * Resolves once every live edge (one that reported within the timeout) serves `version` or
   * a later one. An edge that falls silent stops counting, so a dead edge never holds a
   * revocation in `pending_revocation` for longer than the timeout.
   */
  waitFor(version: number): Promise<void> {
    return new Promise((done) => {
      this.#waiters.add({ version, done });
      this.#schedule(0);
    });
  }

  /** Stops polling; waiters that are left never resolve. */
  close(): void {
    clearTimeout(this.#timer);
    this.#waiters.clear();
  }

  #schedule(ms: number): void {
    if (this.#timer !== undefined || this.#waiters.size === 0) return;
    this.#timer = setTimeout(() => void this.#check(), ms);
    this.#timer.unref();
  }

  async #check(): Promise<void> {
    try {
      const now = Date.now();
      const live = (await this.#store.listEdges()).filter((e) =>
        isLive(e, this.#timeoutSeconds, now),
      );
      const everywhere = Math.min(...live.map((e) => e.appliedVersion));
      for (const waiter of [...this.#waiters]) {
        if (waiter.version <= everywhere) {
          this.#waiters.delete(waiter);
          waiter.done();
        }
      }
    } catch {
      // The store is unreachable for a moment: the edges cannot be asked, so keep waiting.
    }
    this.#timer = undefined;
    this.#schedule(this.#checkMs);
  }
}

/** How long an edge may stay silent before it is forgotten: a week. */
export const FORGET_EDGES_AFTER_MS = 7 * 86_400_000;

/**
 * Forgets edges that have not reported for `afterMs`: edges replaced for good (a machine
 * retired, a container that started on a new data directory) would otherwise pile up in the
 * list. One that comes back reports again and reappears. Returns how many were forgotten.
 */
export async function forgetSilentEdges(
  store: Pick<Store, 'listEdges' | 'deleteEdge'>,
  afterMs = FORGET_EDGES_AFTER_MS,
  now = Date.now(),
): Promise<number> {
  const gone = (await store.listEdges()).filter((e) => now - Date.parse(e.lastSeen) > afterMs);
  for (const edge of gone) await store.deleteEdge(edge.id);
  return gone.length;
}
