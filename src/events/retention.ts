import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';

export interface RetentionOptions {
  store: Store;
  logger: Logger;
  /** Events older than this many days are removed. */
  days: number;
  /** How often the job runs. Default 1 hour. */
  intervalMs?: number;
}

/**
 * Removes firewall events older than the retention period, now and then every interval, so
 * that storage stays bounded. Only events are touched. Returns a stop function.
 */
export function startRetention(options: RetentionOptions): () => void {
  const run = async () => {
    const before = Date.now() - options.days * 86_400_000;
    try {
      const removed = await options.store.deleteEventsBefore(before);
      if (removed > 0) {
        options.logger.info({ removed, before: new Date(before).toISOString() }, 'events expired');
      }
    } catch (err) {
      options.logger.error({ err }, 'event retention failed');
    }
  };
  void run();
  const timer = setInterval(() => void run(), options.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
