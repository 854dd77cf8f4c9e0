import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StoreErrorCode, type ConfigChange } from '../../src/store/index.ts';
import { event, seedZone, storeTest, type StoreHarness } from './contract-support.ts';

/** The contract for transactions, the change feed and migrations. */
export function transactionContract(name: string, harness: StoreHarness): void {
  const it = storeTest(harness);
  describe(`${name} store: transactions and the change feed`, () => {
    it('rolls back every change of a transaction that throws', async (s) => {
      const z = await seedZone(s);
      const before = await s.configVersion();
      await assert.rejects(
        s.transaction(async (tx) => {
          await tx.createHost({ zoneId: z.id, hostname: 'a.example.com', origin: 'http://o' });
          await tx.createRule({ zoneId: z.id, action: 'block', expression: 'ssl' });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await s.listHosts(z.id), []);
      assert.deepEqual(await s.listRules(z.id), []);
      assert.equal(await s.configVersion(), before);
    });

    it('bumps the version once per transaction and notifies after commit', async (s) => {
      const z = await seedZone(s);
      const seen: ConfigChange[] = [];
      const versionsSeenDuring: number[] = [];
      const off = s.subscribe((c) => seen.push(c));
      const before = await s.configVersion();
      await s.transaction(async (tx) => {
        await tx.createHost({ zoneId: z.id, hostname: 'a.example.com', origin: 'http://o' });
        await tx.createRule({ zoneId: z.id, action: 'block', expression: 'ssl' });
        versionsSeenDuring.push(seen.length);
      });
      assert.deepEqual(versionsSeenDuring, [0]);
      assert.equal(await s.configVersion(), before + 1);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.version, before + 1);
      assert.deepEqual(
        seen[0]?.items.map((i) => [i.type, i.op, i.zoneId]),
        [
          ['host', 'create', z.id],
          ['rule', 'create', z.id],
        ],
      );
      off();
      await s.createRule({ zoneId: z.id, action: 'log', expression: 'ssl' });
      assert.equal(seen.length, 1);
    });

    it('does not bump the version for tokens, audit entries or events', async (s) => {
      const z = await seedZone(s);
      const before = await s.configVersion();
      await s.createApiToken({ name: 't', secretHash: 'x', policies: [] });
      await s.appendAudit({
        accountId: z.accountId,
        actor: 'system',
        action: 'create',
        resourceType: 'zone',
        resourceId: z.id,
        zoneId: z.id,
        before: null,
        after: null,
      });
      await s.insertEvents([event(z.id, 5)]);
      assert.equal(await s.configVersion(), before);
    });

    it('records the last use of a token without a configuration change', async (s) => {
      const t = await s.createApiToken({ name: 't', secretHash: 'x', policies: [] });
      const seen: ConfigChange[] = [];
      const off = s.subscribe((c) => seen.push(c));
      const before = await s.configVersion();
      const used = await s.updateApiToken(t.id, { lastUsedOn: '2026-12-03T18:35:48.000Z' });
      assert.equal(used.lastUsedOn, '2026-12-03T18:35:48.000Z');
      assert.equal(used.modifiedOn, t.modifiedOn);
      assert.equal(await s.configVersion(), before);
      off();
      assert.deepEqual(seen, []);
    });

    it('keeps a subscriber that throws from stopping the others', async (s) => {
      const z = await seedZone(s);
      let heard = 0;
      s.subscribe(() => {
        throw new Error('broken subscriber');
      });
      s.subscribe(() => heard++);
      await s.createHost({ zoneId: z.id, hostname: 'a.example.com', origin: 'http://o' });
      assert.equal(heard, 1);
    });

    it('runs concurrent transactions one after the other', async (s) => {
      const z = await seedZone(s);
      const order: string[] = [];
      const slow = s.transaction(async (tx) => {
        order.push('slow start');
        await new Promise((r) => setTimeout(r, 30));
        await tx.createRule({ zoneId: z.id, action: 'log', expression: 'ssl', ref: 'slow' });
        order.push('slow end');
      });
      const fast = s.transaction(async (tx) => {
        order.push('fast start');
        await tx.createRule({ zoneId: z.id, action: 'log', expression: 'ssl', ref: 'fast' });
        order.push('fast end');
      });
      await Promise.all([slow, fast]);
      assert.deepEqual(order, ['slow start', 'slow end', 'fast start', 'fast end']);
    });

    it('refuses a handle used after its transaction ended', async (s) => {
      const leaked = await s.transaction(async (tx) => tx);
      await assert.rejects(leaked.listAccounts(), /after its transaction ended/);
    });
  });

  describe(`${name} store: the change feed across stores`, { skip: !harness.openSecond }, () => {
    test('delivers changes committed by another store on the same database', async () => {
      const first = await harness.create();
      const second = await harness.openSecond!(first);
      try {
        const seen: ConfigChange[] = [];
        second.subscribe((c) => seen.push(c));
        const z = await seedZone(first);
        await first.transaction(async (tx) => {
          await tx.createHost({ zoneId: z.id, hostname: 'a.example.com', origin: 'http://o' });
          await tx.createRule({ zoneId: z.id, action: 'block', expression: 'ssl' });
        });
        const target = await first.configVersion();
        const deadline = Date.now() + 2_000;
        while (!seen.some((c) => c.version === target) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.deepEqual(
          seen.map((c) => c.version),
          [target - 1, target],
        );
        assert.deepEqual(
          seen[1]?.items.map((i) => [i.type, i.op, i.zoneId]),
          [
            ['host', 'create', z.id],
            ['rule', 'create', z.id],
          ],
        );
        // Its own changes reach it once, in order after the others.
        await second.createRule({ zoneId: z.id, action: 'log', expression: 'ssl' });
        assert.deepEqual(
          seen.map((c) => c.version),
          [target - 1, target, target + 1],
        );
      } finally {
        await second.close();
        await first.close();
      }
    });
  });

  describe(`${name} store: migrations`, () => {
    test('records every migration and keeps data across a reopen', async () => {
      let s = await harness.create();
      try {
        assert.equal(await s.schemaVersion(), harness.latestSchema);
        const z = await seedZone(s);
        s = await harness.reopen(s);
        assert.equal(await s.schemaVersion(), harness.latestSchema);
        assert.equal((await s.getZone(z.id))?.name, 'example.com');
      } finally {
        await s.close();
      }
    });

    test('refuses a database newer than the code with a clear error', async () => {
      const s = await harness.create();
      await assert.rejects(
        harness.openNewerThanCode(s),
        (err: { code?: string; message: string }) =>
          err.code === StoreErrorCode.SchemaNewer && /newer than this Portcullis/.test(err.message),
      );
    });
  });
}
