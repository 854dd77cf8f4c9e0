import type { EdgeNode, Store } from '../store/index.ts';

/** Whether an edge has reported recently enough to count. */
export function isLive(edge: EdgeNode, timeoutSeconds: number, now = Date.now()): boolean {
  return now - Date.parse(edge.lastSeen) <= timeoutSeconds * 1000;
}

/**
 * Waits until every live edge has acknowledged configuration `version`: the edges that
 * reported within `timeoutSeconds`. An edge that falls silent stops counting, so a dead edge
 * never holds a revocation in `pending_revocation` for longer than the timeout.
 */
export async function waitForEdges(
  store: Pick<Store, 'listEdges'>,
  version: number,
  timeoutSeconds: number,
  checkMs = 50,
): Promise<void> {
  for (;;) {
    try {
      const edges = await store.listEdges();
      if (edges.every((e) => e.appliedVersion >= version || !isLive(e, timeoutSeconds))) return;
    } catch {
      // The store is unreachable for a moment: the edges cannot be asked, so keep waiting.
    }
    await new Promise((resolve) => setTimeout(resolve, checkMs));
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
