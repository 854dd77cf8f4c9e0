import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import { listenForTest, startTestApi, type TestApi } from '../helpers/api.ts';

describe('API tokens and the audit log through the official client', () => {
  let api: TestApi;
  let baseURL: string;
  let admin: Cloudflare;
  let adminId: string;
  let zoneId: string;
  const as = (apiToken: string) => new Cloudflare({ apiToken, baseURL, maxRetries: 0 });

  before(async () => {
    api = await startTestApi();
    baseURL = await listenForTest(api.app);
    admin = as(api.token);
    adminId = (await admin.user.tokens.verify()).id;
    zoneId = (await admin.zones.create({ name: 'example.com', account: { id: api.accountId } })).id;
  });
  after(() => api.close());

  const zoneReader = () => ({
    effect: 'allow' as const,
    permission_groups: [{ id: 'zone:read' }, { id: 'firewall:edit' }],
    resources: { [`com.cloudflare.api.account.zone.${zoneId}`]: '*' },
  });

  test('creates a token whose secret is shown once and works for its zone only', async () => {
    const created = await admin.user.tokens.create({ name: 'ci', policies: [zoneReader()] });
    assert.equal(typeof created.value, 'string');
    assert.equal(created.status, 'active');
    assert.deepEqual(created.policies?.[0]?.resources, {
      [`com.cloudflare.api.account.zone.${zoneId}`]: '*',
    });
    const ci = as(created.value!);
    assert.equal((await ci.zones.get({ zone_id: zoneId })).id, zoneId);
    await assert.rejects(
      ci.zones.edit({ zone_id: zoneId, paused: true }),
      Cloudflare.PermissionDeniedError,
    );
    await assert.rejects(ci.user.tokens.list(), Cloudflare.PermissionDeniedError);

    const fetched = await admin.user.tokens.get(created.id!);
    assert.equal('value' in fetched, false);
    assert.doesNotMatch(JSON.stringify(fetched), new RegExp(created.value!));
    const stored = await api.store.getApiToken(created.id!);
    assert.notEqual(stored?.secretHash, created.value);
  });

  test('lists, updates, rolls and deletes tokens', async () => {
    const created = await admin.user.tokens.create({ name: 'roll me', policies: [zoneReader()] });
    const names: string[] = [];
    for await (const t of admin.user.tokens.list({ per_page: 1 })) names.push(t.name ?? '');
    assert.ok(names.includes('roll me') && names.includes('admin'));

    const updated = await admin.user.tokens.update(created.id!, {
      name: 'renamed',
      policies: [zoneReader()],
      status: 'disabled',
    });
    assert.deepEqual([updated.name, updated.status], ['renamed', 'disabled']);
    await admin.user.tokens.update(created.id!, {
      name: 'renamed',
      policies: [zoneReader()],
      status: 'active',
    });

    const rolled = await admin.user.tokens.value.update(created.id!, {} as never);
    assert.equal(typeof rolled, 'string');
    await assert.rejects(as(created.value!).user.tokens.verify(), Cloudflare.AuthenticationError);
    assert.equal((await as(rolled).user.tokens.verify()).id, created.id);

    assert.deepEqual(await admin.user.tokens.delete(created.id!), { id: created.id });
    await assert.rejects(admin.user.tokens.get(created.id!), Cloudflare.NotFoundError);
  });

  test('a token manages only tokens within its own permissions', async () => {
    const manager = await admin.user.tokens.create({
      name: 'token manager',
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ id: 'tokens:edit' }],
          resources: { 'com.cloudflare.api.account.*': '*' },
        },
      ],
    });
    const m = as(manager.value!);
    await assert.rejects(
      m.user.tokens.create({
        name: 'everything',
        policies: [{ effect: 'allow', permission_groups: [{ id: '*' }], resources: { '*': '*' } }],
      }),
      Cloudflare.PermissionDeniedError,
    );
    await assert.rejects(
      m.user.tokens.value.update(adminId, {} as never),
      Cloudflare.PermissionDeniedError,
    );
    const own = await m.user.tokens.create({
      name: 'reader of tokens',
      policies: [
        { effect: 'allow', permission_groups: [{ id: 'tokens:read' }], resources: { '*': '*' } },
      ],
    });
    assert.equal(own.name, 'reader of tokens');
  });

  test('refuses unknown permission groups and deny policies', async () => {
    await assert.rejects(
      admin.user.tokens.create({
        name: 'bad',
        policies: [
          { effect: 'allow', permission_groups: [{ id: 'dns:edit' }], resources: { '*': '*' } },
        ],
      }),
      Cloudflare.BadRequestError,
    );
    await assert.rejects(
      admin.user.tokens.create({
        name: 'deny',
        policies: [{ effect: 'deny', permission_groups: [{ id: '*' }], resources: { '*': '*' } }],
      }),
      (err: unknown) => err instanceof Cloudflare.BadRequestError && err.errors[0]?.code === 1010,
    );
  });

  test('refuses restrictions it would not enforce', async () => {
    await assert.rejects(
      admin.user.tokens.create({
        name: 'office only',
        policies: [zoneReader()],
        condition: { request_ip: { in: ['192.0.2.0/24'] } },
      }),
      (err: unknown) =>
        err instanceof Cloudflare.BadRequestError &&
        err.errors[0]?.source?.pointer === '/condition',
    );
  });

  test('records who changed what, with the values before and after', async () => {
    await admin.zones.edit({ zone_id: zoneId, paused: true });
    const page = await admin.auditLogs.list({ account_id: api.accountId, per_page: 5 });
    const latest = page.result[0]!;
    assert.equal(latest.action?.type, 'update');
    assert.deepEqual(latest.resource, { id: zoneId, type: 'zone' });
    assert.equal(latest.actor?.id, adminId);
    assert.equal((latest as { oldValueJson?: { paused: boolean } }).oldValueJson?.paused, false);
    assert.equal(JSON.parse(latest.newValue!).paused, true);
    assert.doesNotMatch(JSON.stringify(page.result), /secret_hash|secretHash/);

    const creates: string[] = [];
    for await (const entry of admin.auditLogs.list({
      account_id: api.accountId,
      per_page: 2,
      action: { type: 'create' },
    })) {
      creates.push(entry.resource!.type!);
    }
    assert.ok(creates.includes('zone') && creates.includes('api_token'));
  });

  test('lists the audit log oldest first and by zone name', async () => {
    const oldest = await admin.auditLogs.list({
      account_id: api.accountId,
      direction: 'asc',
      per_page: 1,
    });
    assert.deepEqual(oldest.result[0]?.resource, { id: zoneId, type: 'zone' });
    assert.equal(oldest.result[0]?.action?.type, 'create');
    const byZone = await admin.auditLogs.list({
      account_id: api.accountId,
      zone: { name: 'example.com' },
    });
    assert.ok(byZone.result.length > 0);
    for (const e of byZone.result)
      assert.equal((e.metadata as { zone_id?: string }).zone_id, zoneId);
    const none = await admin.auditLogs.list({
      account_id: api.accountId,
      zone: { name: 'x.test' },
    });
    assert.deepEqual(none.result, []);
  });

  test('a rejected change leaves no audit entry', async () => {
    const before = await api.store.listAudit({ accountId: api.accountId });
    await assert.rejects(
      admin.zones.create({ name: 'example.com', account: { id: api.accountId } }),
      Cloudflare.ConflictError,
    );
    assert.equal((await api.store.listAudit({ accountId: api.accountId })).total, before.total);
  });
});
