import type { FastifyRequest } from 'fastify';
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
export async function authenticate(request: FastifyRequest, store: Store): Promise<ApiToken> {
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
  return token;
}
