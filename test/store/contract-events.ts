import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { FirewallEvent } from '../../src/store/index.ts';
import { event, seedZone, storeTest, type StoreHarness } from './contract-support.ts';

/** The contract for event analytics, over rollups and the events themselves. */
export function eventAnalyticsContract(name: string, harness: StoreHarness): void {
  const it = storeTest(harness);
  describe(`${name} store: event analytics`, () => {
    it('counts events per bucket and action, and ranks rules, hosts and reasons', async (s) => {
      const z = await seedZone(s);
      const other = await seedZone(s, 'other.com');
      await s.insertEvents([
        event(z.id, 1_000, { action: 'block', ruleId: 'r1', reason: 'no_certificate' }),
        event(z.id, 1_500, {
          action: 'block',
          ruleId: 'r1',
          reason: 'revoked',
          certFingerprint: 'ff',
        }),
        event(z.id, 2_100, { action: 'log', ruleId: 'r2', host: 'www.example.com' }),
        event(z.id, 2_200, { action: 'block', ruleId: 'r1', reason: 'no_certificate' }),
        event(z.id, 9_000, { action: 'block' }),
        event(other.id, 1_200, { action: 'block' }),
      ]);
      const a = await s.eventAnalytics({
        zoneId: z.id,
        since: 1_000,
        until: 3_000,
        bucketMs: 1_000,
        top: 5,
      });
      assert.equal(a.total, 4);
      assert.deepEqual(a.series, [{ time: 0, counts: { block: 3, log: 1 } }]);
      assert.deepEqual(a.topRules, [
        { value: 'r1', count: 3 },
        { value: 'r2', count: 1 },
      ]);
      assert.deepEqual(a.topReasons[0], { value: 'no_certificate', count: 3 });
      assert.deepEqual(a.topHosts[0], { value: 'api.example.com', count: 3 });
      assert.deepEqual(a.topCertificates, [{ value: 'ff', count: 1 }]);
      assert.deepEqual(a.topActions, [
        { value: 'block', count: 3 },
        { value: 'log', count: 1 },
      ]);
    });
  });

  describe(`${name} store: event analytics over rollups`, () => {
    it('agrees with counting every event, across hours, minutes and partial edges', async (s) => {
      const z = await seedZone(s);
      const hour = 3_600_000;
      const base = 500 * hour;
      const events = Array.from({ length: 400 }, (_, i) =>
        event(z.id, base + i * 41_777, {
          action: ['block', 'log', 'allow'][i % 3]!,
          ruleId: i % 4 === 0 ? null : `r${i % 7}`,
          reason: `reason${i % 5}`,
          certFingerprint: i % 2 ? `c${i % 11}` : null,
        }),
      );
      await s.insertEvents(events.slice(0, 150));
      await s.insertEvents(events.slice(150));
      await s.deleteEventsBefore(base - hour); // nothing that old: rollups must stay whole
      const since = base + 1_234_567;
      const until = base + 3 * hour + 987_654;
      const bucketMs = 600_000;
      const a = await s.eventAnalytics({ zoneId: z.id, since, until, bucketMs, top: 50 });
      const inRange = events.filter((e) => e.time >= since && e.time < until);
      assert.equal(a.total, inRange.length);
      const rank = (pick: (e: FirewallEvent) => string | null) => {
        const counts = new Map<string, number>();
        for (const e of inRange) {
          const v = pick(e);
          if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
        }
        return Object.fromEntries(counts);
      };
      const asObject = (list: { value: string; count: number }[]) =>
        Object.fromEntries(list.map((x) => [x.value, x.count]));
      assert.deepEqual(
        asObject(a.topRules),
        rank((e) => e.ruleId),
      );
      assert.deepEqual(
        asObject(a.topReasons),
        rank((e) => e.reason),
      );
      assert.deepEqual(
        asObject(a.topCertificates),
        rank((e) => e.certFingerprint),
      );
      assert.deepEqual(
        asObject(a.topActions),
        rank((e) => e.action),
      );
      const perBucket = new Map<number, number>();
      const anchor = Math.floor(since / 60_000) * 60_000;
      assert.equal(a.bucketMs, bucketMs);
      for (const e of inRange) {
        const b = anchor + Math.floor((e.time - anchor) / bucketMs) * bucketMs;
        perBucket.set(b, (perBucket.get(b) ?? 0) + 1);
      }
      assert.deepEqual(
        a.series.map((b) => [b.time, Object.values(b.counts).reduce((x, y) => x + y, 0)]),
        [...perBucket].sort((x, y) => x[0] - y[0]),
      );
    });
  });
}
