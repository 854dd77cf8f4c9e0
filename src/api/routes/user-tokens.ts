import type { FastifyInstance } from 'fastify';
import { success } from '../envelope.ts';
import type { RouteContext } from './index.ts';

/** `/user/tokens`: for now the verification Cloudflare's clients use to test a token. */
export async function userTokenRoutes(app: FastifyInstance, _ctx: RouteContext): Promise<void> {
  app.get('/user/tokens/verify', async (request) => {
    const token = request.token!;
    return success({
      id: token.id,
      status: token.status,
      ...(token.expiresOn ? { expires_on: token.expiresOn } : {}),
    });
  });
}
