import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import { listenForTest, startTestApi, type TestApi } from '../helpers/api.ts';

const PHASE = 'http_request_firewall_custom';

/** What these tests read of a ruleset (the client's own types resolve to unknown here). */
interface RulesetResult {
  id: string;
  name: string;
  kind: string;
  phase: string;
  version: string;
  rules: {
    id: string;
    action: string;
    version: string;
    enabled: boolean;
    expression: string;
    description?: string;
  }[];
}
const rs = (p: Promise<unknown>) => p as Promise<RulesetResult>;
const MTLS_RULE = 'http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified';

describe('custom rules and legacy firewall rules through the official client', () => {
  let api: TestApi;
  let client: Cloudflare;
  let zoneId: string;
  before(async () => {
    api = await startTestApi();
    client = new Cloudflare({
      apiToken: api.token,
      baseURL: await listenForTest(api.app),
      maxRetries: 0,
    });
  });
  after(() => api.close());

  test('a new zone has no entry point yet', async () => {
    const zone = await client.zones.create({ name: 'example.com', account: { id: api.accountId } });
    zoneId = zone.id;
    await assert.rejects(
      client.rulesets.phases.get(PHASE, { zone_id: zoneId }),
      Cloudflare.NotFoundError,
    );
  });

  test('creates, lists, edits, moves and deletes custom rules', async () => {
    const created = await rs(
      client.rulesets.phases.update(PHASE, {
        zone_id: zoneId,
        name: 'edge rules',
        rules: [{ action: 'block', expression: MTLS_RULE, description: 'mTLS' }],
      }),
    );
    assert.equal(created.kind, 'zone');
    assert.equal(created.phase, PHASE);
    assert.equal(created.name, 'edge rules');
    assert.equal(typeof created.version, 'string');
    const [mtls] = created.rules;
    assert.equal(mtls?.version, '1');
    assert.equal(mtls?.enabled, true);

    const listed = await client.rulesets.list({ zone_id: zoneId });
    assert.deepEqual(
      listed.result.map((r) => r.id),
      [created.id],
    );

    const withFirst = await rs(
      client.rulesets.rules.create(created.id, {
        zone_id: zoneId,
        action: 'skip',
        action_parameters: { ruleset: 'current' },
        expression: 'ip.src in {10.0.0.0/8}',
        position: { before: mtls!.id },
      }),
    );
    assert.deepEqual(
      withFirst.rules.map((r) => r.action),
      ['skip', 'block'],
    );
    assert.ok(Number(withFirst.version) > Number(created.version));

    const blocked = await rs(
      client.rulesets.rules.create(created.id, {
        zone_id: zoneId,
        action: 'block',
        expression: 'cf.tls_client_auth.cert_revoked',
        action_parameters: {
          response: { status_code: 401, content: 'revoked', content_type: 'text/plain' },
        },
        position: { index: 2 },
      }),
    );
    assert.equal(blocked.rules[1]?.expression, 'cf.tls_client_auth.cert_revoked');
    const revokedId = blocked.rules[1]!.id;

    const edited = await rs(
      client.rulesets.rules.edit(revokedId, {
        zone_id: zoneId,
        ruleset_id: created.id,
        enabled: false,
        position: { after: mtls!.id },
      } as Cloudflare.Rulesets.RuleEditParams),
    );
    const moved = edited.rules.at(-1)!;
    assert.equal(moved.id, revokedId);
    assert.equal(moved.enabled, false);
    assert.equal(moved.version, '2');
    assert.equal(moved.expression, 'cf.tls_client_auth.cert_revoked');

    const afterDelete = await rs(
      client.rulesets.rules.delete(revokedId, {
        zone_id: zoneId,
        ruleset_id: created.id,
      }),
    );
    assert.equal(afterDelete.rules.length, 2);
    const fetched = await rs(client.rulesets.get(created.id, { zone_id: zoneId }));
    assert.deepEqual(fetched, afterDelete);
  });

  test('reads the current version of a ruleset, which is the only one kept', async () => {
    const entry = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    const versions = await client.rulesets.versions.list(entry.id, { zone_id: zoneId });
    assert.deepEqual(
      versions.result.map((v) => v.version),
      [entry.version],
    );
    const current = await rs(
      client.rulesets.versions.get(entry.version, { zone_id: zoneId, ruleset_id: entry.id }),
    );
    assert.deepEqual(current, entry);
    await assert.rejects(
      client.rulesets.versions.get('1', { zone_id: zoneId, ruleset_id: entry.id }),
      Cloudflare.NotFoundError,
    );
  });

  test('shows custom rules as legacy firewall rules and back', async () => {
    const legacy = await client.firewall.rules.list({ zone_id: zoneId });
    assert.deepEqual(
      legacy.result.map((r) => [r.action, r.priority]),
      [
        ['allow', 1],
        ['block', 2],
      ],
    );
    const created = await client.firewall.rules.create({
      zone_id: zoneId,
      action: 'bypass' as never,
      filter: { expression: 'http.request.uri.path eq "/health"' },
      description: 'health checks',
      products: ['waf'],
    } as Cloudflare.Firewall.RuleCreateParams);
    assert.ok(Array.isArray(created.result));
    const rule = created.result[0]!;
    assert.equal(rule.action, 'bypass');
    assert.equal((rule.filter as { id: string }).id, rule.id);

    const entry = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    const seen = entry.rules.find((r) => r.id === rule.id);
    assert.equal(seen?.action, 'skip');
    assert.equal(seen?.description, 'health checks');

    const paused = await client.firewall.rules.update(rule.id!, {
      zone_id: zoneId,
      action: 'block' as never,
      filter: { expression: 'http.request.uri.path eq "/healthz"' },
      paused: true,
    } as Cloudflare.Firewall.RuleUpdateParams);
    assert.equal(paused.paused, true);
    assert.equal(paused.action, 'block');
    const again = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    assert.equal(again.rules.find((r) => r.id === rule.id)?.enabled, false);

    const filter = await client.filters.update(rule.id!, {
      zone_id: zoneId,
      expression: 'http.request.uri.path eq "/ready"',
    } as Cloudflare.Filters.FilterUpdateParams);
    assert.equal(filter.expression, 'http.request.uri.path eq "/ready"');
    const reread = await client.firewall.rules.get(rule.id!, { zone_id: zoneId });
    assert.equal((reread.filter as { expression: string }).expression, filter.expression);

    const seenFilters: string[] = [];
    for await (const f of client.filters.list({ zone_id: zoneId, per_page: 1 })) {
      seenFilters.push(f.id!);
    }
    assert.equal(seenFilters.length, 3);

    assert.deepEqual(await client.firewall.rules.delete(rule.id!, { zone_id: zoneId }), {
      id: rule.id,
    });
    await assert.rejects(
      client.firewall.rules.get(rule.id!, { zone_id: zoneId }),
      Cloudflare.NotFoundError,
    );
  });

  test('makes a rule from a filter created on its own, as the legacy API did', async () => {
    const [filter] = (
      await client.filters.create({
        zone_id: zoneId,
        body: [{ expression: 'ip.src eq 192.0.2.7', description: 'scanner' }],
      })
    ).result;
    assert.ok(filter?.id);
    const rules = await client.firewall.rules.create({
      zone_id: zoneId,
      action: 'block' as never,
      filter: { id: filter.id },
    } as Cloudflare.Firewall.RuleCreateParams);
    const rule = rules.result[0]!;
    assert.deepEqual({ ...rule.filter, ref: '' }, { ...filter, paused: false });
    assert.equal(rule.description, 'scanner');
    await assert.rejects(
      client.firewall.rules.create({
        zone_id: zoneId,
        action: 'log' as never,
        filter: { id: filter.id },
      } as Cloudflare.Firewall.RuleCreateParams),
      Cloudflare.ConflictError,
    );
    await assert.rejects(
      client.filters.delete(filter.id, { zone_id: zoneId }),
      Cloudflare.ConflictError,
    );

    await client.firewall.rules.delete(rule.id!, { zone_id: zoneId });
    const kept = await client.filters.get(filter.id, { zone_id: zoneId });
    assert.equal(kept.expression, 'ip.src eq 192.0.2.7');
    const entry = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    assert.equal(
      entry.rules.some((r) => r.expression === kept.expression),
      false,
    );
    assert.deepEqual(await client.filters.delete(filter.id, { zone_id: zoneId }), {
      id: filter.id,
    });
    await assert.rejects(
      client.filters.get(filter.id, { zone_id: zoneId }),
      Cloudflare.NotFoundError,
    );
  });

  test('accepts the array body of the REST documentation', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: `/client/v4/zones/${zoneId}/firewall/rules`,
      headers: { authorization: `Bearer ${api.token}` },
      payload: [
        { action: 'log', filter: { expression: 'ssl' } },
        { action: 'block', filter: { expression: 'not ssl' }, paused: true },
      ],
    });
    assert.equal(res.statusCode, 200);
    const rules = res.json().result;
    assert.deepEqual(
      rules.map((r: { action: string; paused: boolean }) => [r.action, r.paused]),
      [
        ['log', false],
        ['block', true],
      ],
    );
    const ids = rules.map((r: { id: string }) => `id=${r.id}`).join('&');
    const gone = await api.app.inject({
      method: 'DELETE',
      url: `/client/v4/zones/${zoneId}/firewall/rules?${ids}&id=missing`,
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(gone.json().result.length, 2);
  });

  test('answers an invalid expression with 400, its span, and changes nothing', async () => {
    const before = await api.store.configVersion();
    const entry = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    const err = await client.rulesets.rules
      .create(entry.id, {
        zone_id: zoneId,
        action: 'block',
        expression: 'ssl and\n  http.hots eq "a"',
      })
      .catch((e: unknown) => e);
    assert.ok(err instanceof Cloudflare.BadRequestError);
    assert.deepEqual(err.errors[0], {
      code: 1009,
      message: 'invalid expression: unknown field "http.hots"',
      source: { pointer: '/expression' },
      line: 2,
      column: 3,
      length: 9,
      kind: 'UnknownField',
    } as unknown);
    const legacy = await client.firewall.rules
      .create({ zone_id: zoneId, action: 'block' as never, filter: { expression: 'ip.src eq 1' } })
      .catch((e: unknown) => e);
    assert.ok(legacy instanceof Cloudflare.BadRequestError);
    assert.equal(legacy.errors[0]?.source?.pointer, '/filter/expression');
    assert.equal(await api.store.configVersion(), before);
    assert.deepEqual(await client.rulesets.phases.get(PHASE, { zone_id: zoneId }), entry);
  });

  test('refuses actions Portcullis cannot carry out', async () => {
    const entry = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    await assert.rejects(
      client.rulesets.rules.create(entry.id, {
        zone_id: zoneId,
        action: 'managed_challenge',
        expression: 'ssl',
      }),
      (err: unknown) => err instanceof Cloudflare.BadRequestError && err.errors[0]?.code === 1010,
    );
  });

  test('keeps refs unique within the ruleset', async () => {
    const err = await client.rulesets.phases
      .update(PHASE, {
        zone_id: zoneId,
        rules: [
          { action: 'block', expression: 'ssl', ref: 'same' },
          { action: 'log', expression: 'ssl', ref: 'same' },
        ],
      })
      .catch((e: unknown) => e);
    assert.ok(err instanceof Cloudflare.BadRequestError);
    assert.match(err.errors[0]?.message ?? '', /ref same/);
  });

  test('refuses action parameters of another action', async () => {
    const entry = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    await assert.rejects(
      client.rulesets.rules.create(entry.id, {
        zone_id: zoneId,
        action: 'log',
        expression: 'ssl',
        action_parameters: {
          response: { status_code: 403, content: 'x', content_type: 'text/plain' },
        },
      } as never),
      (err: unknown) =>
        err instanceof Cloudflare.BadRequestError &&
        err.errors[0]?.source?.pointer === '/action_parameters/response',
    );
  });

  test('answers a dry run with what it would make and changes nothing', async () => {
    const before = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    const version = await api.store.configVersion();
    const audit = (await api.store.listAudit({ accountId: api.accountId })).total;
    const dry = await rs(
      client.rulesets.phases.update(PHASE, {
        zone_id: zoneId,
        dry_run: true,
        rules: [{ action: 'block', expression: 'http.request.uri.path eq "/dry"' }],
      }),
    );
    assert.deepEqual(
      dry.rules.map((r) => r.expression),
      ['http.request.uri.path eq "/dry"'],
    );
    assert.deepEqual(await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId })), before);
    assert.equal(await api.store.configVersion(), version);
    assert.equal((await api.store.listAudit({ accountId: api.accountId })).total, audit);
    await client.rulesets.delete(before.id, { zone_id: zoneId, dry_run: true });
    assert.ok((await api.store.listRules(zoneId)).length > 0);
  });

  test('deploys a whole rule list as one configuration version', async () => {
    const versions: number[] = [];
    const stop = api.store.subscribe((change) => versions.push(change.version));
    await client.rulesets.phases.update(PHASE, {
      zone_id: zoneId,
      rules: Array.from({ length: 20 }, (_, i) => ({
        action: 'block' as const,
        expression: `http.request.uri.path eq "/p${i}"`,
      })),
    });
    stop();
    assert.equal(versions.length, 1);
    assert.equal((await api.store.listRules(zoneId)).length, 20);
  });

  test('pages legacy rules with the client and audits every rule change', async () => {
    const seen: string[] = [];
    for await (const rule of client.firewall.rules.list({ zone_id: zoneId, per_page: 7 })) {
      seen.push(rule.id!);
    }
    assert.equal(seen.length, 20);
    assert.equal(new Set(seen).size, 20);
    const [entry] = (await api.store.listAudit({ accountId: api.accountId, perPage: 1 })).items;
    assert.equal(entry?.resourceType, 'ruleset');
    assert.equal(entry?.zoneId, zoneId);
    const after = entry?.after as { rules: unknown[] };
    assert.equal(after.rules.length, 20);
  });

  test('deletes the ruleset with 204 and every rule with it', async () => {
    const entry = await rs(client.rulesets.phases.get(PHASE, { zone_id: zoneId }));
    await client.rulesets.delete(entry.id, { zone_id: zoneId });
    assert.deepEqual(await api.store.listRules(zoneId), []);
    await assert.rejects(
      client.rulesets.get(entry.id, { zone_id: zoneId }),
      Cloudflare.NotFoundError,
    );
  });

  test('deletes a zone with its rules and filters once its hosts are gone', async () => {
    const zone = await client.zones.create({ name: 'gone.test', account: { id: api.accountId } });
    await client.firewall.rules.create({
      zone_id: zone.id,
      action: 'block' as never,
      filter: { expression: 'not ssl' },
    } as Cloudflare.Firewall.RuleCreateParams);
    await client.filters.create({ zone_id: zone.id, body: [{ expression: 'ssl' }] });
    await client.zones.delete({ zone_id: zone.id });
    assert.deepEqual(await api.store.listRules(zone.id), []);
    assert.deepEqual(await api.store.listFilters(zone.id), []);
    assert.equal(await api.store.getRuleset(zone.id), undefined);
  });

  test('validates an expression without storing it', async () => {
    const ok = await api.app.inject({
      method: 'POST',
      url: '/client/v4/filters/validate-expr',
      headers: { authorization: `Bearer ${api.token}` },
      payload: { expression: MTLS_RULE },
    });
    assert.deepEqual(ok.json(), { success: true, errors: [], messages: [], result: null });
    const bad = await api.app.inject({
      method: 'POST',
      url: `/client/v4/zones/${zoneId}/filters/validate-expr`,
      headers: { authorization: `Bearer ${api.token}` },
      payload: { expression: 'http.host in $nowhere' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].kind, 'UnknownList');
    assert.equal(bad.json().errors[0].column, 14);
    const viaQuery = await api.app.inject({
      url: `/client/v4/filters/validate-expr?expression=${encodeURIComponent('ssl or')}`,
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(viaQuery.statusCode, 400);
    assert.equal(viaQuery.json().errors[0].kind, 'UnexpectedEnd');
  });
});
