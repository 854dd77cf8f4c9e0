import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { startRetention } from '../../src/events/retention.ts';
import { SqliteStore } from '../../src/store/index.ts';
import { makeEvent } from '../helpers/events.ts';

test('retention removes events older than the period and nothing else', async () => {
  const store = SqliteStore.open({ path: ':memory:' });
  const account = await store.createAccount({ name: 'a' });
  const zone = await store.createZone({ accountId: account.id, name: 'example.com' });
  const rule = await store.createRule({ zoneId: zone.id, action: 'block', expression: 'ssl' });
  const day = 86_400_000;
  const event = (id: string, age: number) =>
    makeEvent({ id, time: Date.now() - age, zoneId: zone.id, ruleId: rule.id });

  await store.insertEvents([
    event('old', 8 * day),
    event('edge', 7 * day + 60_000),
    event('new', day),
  ]);
  const version = await store.configVersion();
  const stop = startRetention({ store, logger: pino({ level: 'silent' }), days: 7 });
  try {
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = (await store.queryEvents({ zoneId: zone.id })).items.map((e) => e.id);
      if (left.length === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(left, ['new']);
    assert.equal((await store.listRules(zone.id)).length, 1);
    assert.equal(await store.configVersion(), version);
  } finally {
    stop();
    await store.close();
  }
});
