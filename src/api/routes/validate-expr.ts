import type { FastifyInstance, FastifyRequest } from 'fastify';
import { success } from '../envelope.ts';
import { validateExpression } from '../expression-check.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import { expressionString } from '../schemas/rules.ts';
import type { RouteContext } from './index.ts';

const body = {
  type: 'object',
  required: ['expression'],
  properties: { expression: expressionString },
} as const;

const tags = ['filters'];

/**
 * `POST|GET /filters/validate-expr`: checks an expression without storing anything. A valid one
 * answers `result: null` like Cloudflare; an invalid one 400 with the error and its span.
 * The account-wide route knows no lists (a `$name` is an unknown list there); the zone route
 * checks against the zone's account's lists, as a rule of that zone would be.
 */
export async function validateExprRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  type Input = FastifyRequest<{
    Body?: { expression: string };
    Querystring?: { expression: string };
  }>;
  const expressionOf = (request: Input) =>
    request.body?.expression ?? request.query?.expression ?? '';

  // Cloudflare takes the expression as a JSON body (POST) or as a query parameter (GET).
  for (const [method, input] of [
    ['POST', { body }],
    ['GET', { querystring: body }],
  ] as const) {
    app.route({
      method,
      url: '/filters/validate-expr',
      schema: { tags, summary: 'Validate an expression', ...input },
      config: { need: 'public' },
      handler: async (request: Input) => {
        await store.transaction((tx) => validateExpression(tx, '', expressionOf(request)));
        return success(null);
      },
    });
    app.route({
      method,
      url: '/zones/:zone_id/filters/validate-expr',
      schema: {
        tags,
        summary: "Validate an expression against the zone's lists",
        params: pathParams('zone_id'),
        ...input,
      },
      config: { need: { resource: 'firewall', access: 'read' } },
      handler: async (request: Input) => {
        const { accountId } = zoneOf(request);
        await store.transaction((tx) => validateExpression(tx, accountId, expressionOf(request)));
        return success(null);
      },
    });
  }
}
