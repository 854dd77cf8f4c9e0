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
