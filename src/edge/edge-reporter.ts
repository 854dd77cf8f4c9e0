import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';

export interface EdgeReport {
  /** Stable id of this edge, kept in its data directory. */
  id: string;
  name: string;
  role: string;
  store: Pick<Store, 'reportEdge'>;
  /** The version the edge serves now, and whether it came from the store or a local copy. */
  state: () => { appliedVersion: number; storeReachable: boolean };
  logger: Logger;
  /** How often the edge says it is alive when nothing changes. Default 5 s. */
  heartbeatMs?: number;
  /** How often the applied version is looked at. Default 50 ms. */
  checkMs?: number;
}

/**
 * Tells the control plane which configuration version this edge serves: at once when it
 * changes, and as a heartbeat otherwise, so that the control plane knows the edge is alive.
 * A revocation is reported done when every live edge has acknowledged its version. A report
 * that fails (the store is down) is retried with the next check.
 */
export function reportApplied(r: EdgeReport): () => void {
  const heartbeatMs = r.heartbeatMs ?? 5_000;
  let reported = -1;
  let reportedAt = 0;
  let sending = false;
  let failing = false;
  const check = () => {
    const { appliedVersion, storeReachable } = r.state();
    const due = Date.now() - reportedAt >= heartbeatMs;
    if (sending || (appliedVersion === reported && !due)) return;
    sending = true;
    r.store
      .reportEdge({
        id: r.id,
        name: r.name,
        role: r.role,
        appliedVersion,
        source: storeReachable ? 'store' : 'local copy',
      })
      .then(
        () => {
          reported = appliedVersion;
          reportedAt = Date.now();
          if (failing) r.logger.info({ version: appliedVersion }, 'edge report delivered again');
          failing = false;
        },
        (err: unknown) => {
          if (!failing) r.logger.warn({ err }, 'reporting the applied version failed');
          failing = true;
          reportedAt = Date.now();
        },
      )
      .finally(() => (sending = false));
  };
  const timer = setInterval(check, r.checkMs ?? 50);
  timer.unref();
  check();
  return () => clearInterval(timer);
}
