import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import { listenForTest, startTestApi, type TestApi } from '../helpers/api.ts';

const PHASE = 'http_request_firewall_custom';

describe('named lists through the official client', () => {
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
    zoneId = (await client.zones.create({ name: 'example.com', account: { id: api.accountId } }))
      .id;
  });
  after(() => api.close());
  const account_id = () => api.accountId;

  test('creates a list, adds items as a completed bulk operation, and pages them', async () => {
    const list = await client.rules.lists.create({
      account_id: account_id(),
      name: 'office',
      kind: 'ip',
      description: 'office networks',
    });
    assert.deepEqual([list.name, list.kind, list.num_items], ['office', 'ip', 0]);

    const before = await api.store.configVersion();
    const op = await client.rules.lists.items.create(list.id, {
      account_id: account_id(),
      body: [{ ip: '10.0.0.0/8', comment: 'lan' }, { ip: '192.0.2.1' }, { ip: '2001:db8::/32' }],
    });
    assert.equal(await api.store.configVersion(), before + 1);
    const status = await client.rules.lists.bulkOperations.get(op.operation_id, {
      account_id: account_id(),
    });
    assert.equal(status.status, 'completed');

    const ips: string[] = [];
    for await (const item of client.rules.lists.items.list(list.id, {
      account_id: account_id(),
      per_page: 2,
    })) {
      ips.push((item as { ip: string }).ip);
    }
    assert.deepEqual(ips, ['10.0.0.0/8', '192.0.2.1', '2001:db8::/32']);
    const lists = await client.rules.lists.list({ account_id: account_id() });
    assert.equal(lists.result[0]?.num_items, 3);
  });

  test('refuses items that do not suit the list kind and changes nothing', async () => {
    const list = (await client.rules.lists.list({ account_id: account_id() })).result[0]!;
    await assert.rejects(
      client.rules.lists.items.create(list.id, {
        account_id: account_id(),
        body: [{ ip: '10.0.0.1' }, { ip: 'not-an-ip' }],
      }),
      (err: unknown) =>
        err instanceof Cloudflare.BadRequestError && err.errors[0]?.source?.pointer === '/1',
    );
    assert.equal(
      (await client.rules.lists.get(list.id, { account_id: account_id() })).num_items,
      3,
    );
  });

  test('lets rules use a list and refuses a rule naming a missing one', async () => {
    const ruleset = await client.rulesets.phases.update(PHASE, {
      zone_id: zoneId,
      rules: [
        {
          action: 'skip',
          expression: 'ip.src in $office',
          action_parameters: { ruleset: 'current' },
        },
      ],
    });
    assert.ok(ruleset);
    await assert.rejects(
      client.rulesets.phases.update(PHASE, {
        zone_id: zoneId,
        rules: [{ action: 'block', expression: 'ip.src in $nowhere' }],
      }),
      (err: unknown) =>
        err instanceof Cloudflare.BadRequestError &&
        (err.errors[0] as { kind?: string }).kind === 'UnknownList',
    );
    const list = (await client.rules.lists.list({ account_id: account_id() })).result[0]!;
    assert.equal(list.num_referencing_filters, 1);
    await assert.rejects(
      client.rules.lists.delete(list.id, { account_id: account_id() }),
      Cloudflare.ConflictError,
    );
  });

  test('replaces and deletes items, and deletes an unused list', async () => {
    const list = await client.rules.lists.create({
      account_id: account_id(),
      name: 'partners',
      kind: 'hostname',
    });
    await client.rules.lists.items.update(list.id, {
      account_id: account_id(),
      body: [{ hostname: { url_hostname: 'Partner.example.net' } }],
    });
    const page = await client.rules.lists.items.list(list.id, { account_id: account_id() });
    const item = page.result[0] as { id: string; hostname: { url_hostname: string } };
    assert.equal(item.hostname.url_hostname, 'partner.example.net');
    const got = await client.rules.lists.items.get(item.id, {
      account_id: account_id(),
      list_id: list.id,
    });
    assert.equal((got as { id: string }).id, item.id);
    await client.rules.lists.items.delete(list.id, {
      account_id: account_id(),
      items: [{ id: item.id }],
    } as Cloudflare.Rules.Lists.ItemDeleteParams);
    assert.equal(
      (await client.rules.lists.get(list.id, { account_id: account_id() })).num_items,
      0,
    );
    assert.deepEqual(await client.rules.lists.delete(list.id, { account_id: account_id() }), {
      id: list.id,
    });
  });

  test('refuses a duplicate name and redirect lists', async () => {
    await assert.rejects(
      client.rules.lists.create({ account_id: account_id(), name: 'office', kind: 'asn' }),
      Cloudflare.ConflictError,
    );
    await assert.rejects(
      client.rules.lists.create({ account_id: account_id(), name: 'r', kind: 'redirect' }),
      Cloudflare.BadRequestError,
    );
  });
});
