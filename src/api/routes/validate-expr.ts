import type { FastifyInstance } from 'fastify';
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
 * `POST /filters/validate-expr`: checks an expression without storing anything. A valid one
 * answers `result: null` like Cloudflare; an invalid one 400 with the error and its span.
 * The account-wide route knows no lists (a `$name` is an unknown list there); the zone route
 * checks against the zone's account's lists, as a rule of that zone would be.
 */
export async function validateExprRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);

  app.post<{ Body: { expression: string } }>(
    '/filters/validate-expr',
    {
      schema: { tags, summary: 'Validate an expression', body },
      config: { need: 'public' },
    },
    async (request) => {
      await store.transaction((tx) => validateExpression(tx, '', request.body.expression));
      return success(null);
    },
  );

  app.post<{ Params: { zone_id: string }; Body: { expression: string } }>(
    '/zones/:zone_id/filters/validate-expr',
    {
      schema: {
        tags,
        summary: "Validate an expression against the zone's lists",
        params: pathParams('zone_id'),
        body,
      },
      config: { need: { resource: 'firewall', access: 'read' } },
    },
    async (request) => {
      const zone = zoneOf(request);
      await store.transaction((tx) =>
        validateExpression(tx, zone.accountId, request.body.expression),
      );
      return success(null);
    },
  );
}
