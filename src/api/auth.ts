import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { ApiToken, Store } from '../store/index.ts';
import { ApiError } from './errors.ts';
import { hashTokenSecret } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token that authenticated the request; set by `authenticate`. */
    token: ApiToken | null;
  }
}

/**
 * Reads `Authorization: Bearer <token>` and resolves the token, or throws the 401 that
 * Cloudflare answers. A token that is disabled or past its expiry is as invalid as an unknown
 * one, and the answer does not say which: that would tell a guesser what exists.
 */
export async function authenticate(
  request: FastifyRequest,
  store: Store,
  uses?: TokenUses,
): Promise<ApiToken> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new ApiError(
      'missingToken',
      'authentication required: send Authorization: Bearer <api token>',
    );
  }
  const token = await store.getApiTokenBySecretHash(hashTokenSecret(match[1]));
  const expired =
    token?.expiresOn !== null &&
    token?.expiresOn !== undefined &&
    Date.parse(token.expiresOn) <= Date.now();
  if (!token || token.status !== 'active' || expired) {
    throw new ApiError('invalidToken', 'Invalid API Token');
  }
  request.token = token;
  uses?.record(token, request.log);
  return token;
}

/**
 * Records when each token was last used, at most once per `intervalMs` (default one minute)
 * per token, so that a busy client does not turn every request into a write. The write runs
 * behind the request, which never waits for it; a failure is logged and tried again on the
 * next use. Recording a use is not a configuration change: the version stays and edges are
 * not told.
 */
export class TokenUses {
  readonly #store: Store;
  readonly #intervalMs: number;
  readonly #now: () => number;
  /** When this process last wrote each token's use; the store's value covers the rest. */
  readonly #written = new Map<string, number>();

  constructor(store: Store, options: { intervalMs?: number; now?: () => number } = {}) {
    this.#store = store;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  record(token: ApiToken, log: FastifyBaseLogger): void {
    const now = this.#now();
    // Another process, or this one before a restart, may have written it recently.
    const stored = token.lastUsedOn === null ? 0 : Date.parse(token.lastUsedOn);
    const last = Math.max(this.#written.get(token.id) ?? 0, stored);
    if (now - last < this.#intervalMs) return;
    this.#forgetStale(now);
    this.#written.set(token.id, now);
    this.#store
      .updateApiToken(token.id, { lastUsedOn: new Date(now).toISOString() })
      .catch((err: unknown) => {
        this.#written.delete(token.id);
        log.warn({ err, token: token.id }, 'recording token use failed');
      });
  }

  /** Entries older than the interval decide nothing, so deleted tokens do not pile up. */
  #forgetStale(now: number): void {
    if (this.#written.size < 1000) return;
    for (const [id, at] of this.#written)
      if (now - at >= this.#intervalMs) this.#written.delete(id);
  }
}
