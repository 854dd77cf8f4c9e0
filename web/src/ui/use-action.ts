import { useCallback, useState } from 'react';

/** What {@link useAction} returns: which action runs, the last error, and how to run one. */
export interface ActionState {
  /** The key of the action that is running, or null. */
  pending: string | null;
  /** The error of the last action that failed, cleared when the next one starts. */
  error: unknown;
  /**
   * Runs `action` under `key` unless another action is already running. Resolves to true
   * when it succeeded, false when it failed (its error is then in `error`) or did not start.
   */
  run: (key: string, action: () => Promise<unknown>) => Promise<boolean>;
  clearError: () => void;
}

/**
 * Progress and errors of the writes a card makes: rows of a table share one tracker, and
 * `pending` tells which row's button shows the spinner. One action at a time, so that a
 * double click cannot send the same write twice.
 */
export function useAction(): ActionState {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = useCallback(
    async (key: string, action: () => Promise<unknown>) => {
      if (pending !== null) return false;
      setPending(key);
      setError(null);
      try {
        await action();
        return true;
      } catch (err) {
        setError(err);
        return false;
      } finally {
        setPending(null);
      }
    },
    [pending],
  );
  const clearError = useCallback(() => setError(null), []);
  return { pending, error, run, clearError };
}
