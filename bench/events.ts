/**
 * How fast the firewall Overview's queries answer over a million stored events, on the
 * embedded SQLite store: `npm run bench:events`. The target is under 200 ms per query.
 *
 * Events are spread over seven days, two zones, five hosts, three actions, six reasons, 50
 * rules and 2,000 certificates, then each query runs seven times and the median is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type FirewallEvent, type Store } from '../src/store/index.ts';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const DAY = 86_400_000;
const REASONS = ['no_certificate', 'unknown_ca', 'expired', 'revoked', 'rule', 'verified'];
const ACTIONS = ['block', 'log', 'allow'];

async function fill(store: Store, zones: string[], now: number): Promise<void> {
  const batch: FirewallEvent[] = [];
  for (let i = 0; i < TOTAL; i++) {
    batch.push({
      id: `e${i}`,
      time: now - Math.floor((i / TOTAL) * 7 * DAY),
      zoneId: zones[i % 10 === 0 ? 1 : 0]!,
      host: `host${i % 5}.example.com`,
      ruleId: i % 4 === 0 ? null : `rule${i % 50}`,
      action: ACTIONS[i % 3]!,
      reason: REASONS[i % 6]!,
      clientIp: `192.0.2.${i % 250}`,
      method: 'GET',
      path: '/api',
      certFingerprint: i % 3 === 0 ? null : `fp${i % 2000}`.padEnd(64, '0'),
      certSerial: null,
      rayId: `ray${i}`,
    });
    if (batch.length === 10_000) await store.insertEvents(batch.splice(0));
  }
  if (batch.length > 0) await store.insertEvents(batch);
}

async function median(fn: () => Promise<unknown>, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-events-'));
  const store = SqliteStore.open({ path: join(dir, 'bench.db') });
  try {
    const account = await store.createAccount({ name: 'bench' });
    const zones = [
      (await store.createZone({ accountId: account.id, name: 'example.com' })).id,
      (await store.createZone({ accountId: account.id, name: 'example.org' })).id,
    ];
    const now = Date.now();
    const started = performance.now();
    await fill(store, zones, now);
    const fillSeconds = (performance.now() - started) / 1000;
    const zoneId = zones[0]!;
    const cases: [string, () => Promise<unknown>][] = [
      ['events: newest page', () => store.queryEvents({ zoneId, limit: 50 })],
      [
        'events: action=block, 24 h',
        () => store.queryEvents({ zoneId, action: 'block', since: now - DAY, limit: 50 }),
      ],
      [
        'events: one certificate, 7 d',
        () =>
          store.queryEvents({
            zoneId,
            certFingerprint: 'fp7'.padEnd(64, '0'),
            since: now - 7 * DAY,
            limit: 50,
          }),
      ],
      [
        'analytics: 24 h, 60 buckets',
        () =>
          store.eventAnalytics({
            zoneId,
            since: now - DAY,
            until: now + 1,
            bucketMs: DAY / 60,
            top: 10,
          }),
      ],
      [
        'analytics: 7 d, 168 buckets',
        () =>
          store.eventAnalytics({
            zoneId,
            since: now - 7 * DAY,
            until: now + 1,
            bucketMs: 3_600_000,
            top: 10,
          }),
      ],
    ];
    console.log(`${TOTAL.toLocaleString('en')} events stored in ${fillSeconds.toFixed(1)} s`);
    console.log('query'.padEnd(34), 'median ms', ' target 200 ms');
    for (const [name, fn] of cases) {
      const ms = await median(fn);
      console.log(name.padEnd(34), ms.toFixed(1).padStart(9), ms < 200 ? '  ok' : '  SLOW');
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
