import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBuffer } from '../../src/events/event-buffer.ts';
import type { FirewallEvent } from '../../src/store/index.ts';
import { makeEvent } from '../helpers/events.ts';

const event = (i: number) => makeEvent({ id: `e${i}`, time: i });

test('a full buffer drops new events and counts every one it dropped', async () => {
  let release!: () => void;
  const stalled = new Promise<void>((r) => (release = r));
  const written: FirewallEvent[] = [];
  const buffer = new EventBuffer({
    capacity: 10,
    batchSize: 5,
    flushIntervalMs: 60_000,
    write: async (batch) => {
      await stalled; // storage is slow: nothing leaves the buffer meanwhile
      written.push(...batch);
    },
  });
  for (let i = 0; i < 5; i++) buffer.push(event(i)); // the first batch goes to storage
  for (let i = 5; i < 40; i++) buffer.push(event(i)); // storage stalls: 10 fit, 25 do not
  assert.equal(buffer.pending, 10);
  assert.equal(buffer.dropped, 25);
  release();
  await buffer.close();
  assert.equal(written.length, 15);
  assert.equal(written.length + buffer.dropped, 40, 'every event is either stored or counted');
});

test('a batch that fails to be written is counted as dropped; the next goes on', async () => {
  let fail = true;
  const stored: string[] = [];
  const errors: number[] = [];
  const buffer = new EventBuffer({
    flushIntervalMs: 60_000,
    write: async (batch) => {
      if (fail) throw new Error('disk full');
      stored.push(...batch.map((e) => e.id));
    },
    onError: (_err, dropped) => errors.push(dropped),
  });
  buffer.push(event(1));
  buffer.push(event(2));
  await buffer.flush();
  fail = false;
  buffer.push(event(3));
  await buffer.close();
  assert.deepEqual(errors, [2]);
  assert.equal(buffer.dropped, 2);
  assert.deepEqual(stored, ['e3']);
});

test('batches wait while storage is away, in order, and only the excess is dropped', async () => {
  let away = true;
  const stored: string[] = [];
  const errors: number[] = [];
  const buffer = new EventBuffer({
    capacity: 6,
    flushIntervalMs: 60_000,
    write: async (batch) => {
      if (away) throw new Error('database unreachable');
      stored.push(...batch.map((e) => e.id));
    },
    onError: (_err, dropped) => errors.push(dropped),
    keepOnError: (err) => (err as Error).message === 'database unreachable',
  });
  for (let i = 1; i <= 4; i++) buffer.push(event(i));
  await buffer.flush();
  assert.equal(buffer.pending, 4, 'the failed batch is back in the buffer');
  assert.equal(buffer.dropped, 0);
  for (let i = 5; i <= 8; i++) buffer.push(event(i)); // 6 fit: e7 and e8 are dropped at push
  await buffer.flush();
  assert.equal(buffer.pending, 6);
  assert.equal(buffer.dropped, 2);
  away = false;
  await buffer.close();
  assert.deepEqual(stored, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  assert.equal(stored.length + buffer.dropped, 8, 'every event is either stored or counted');
  assert.deepEqual(errors, []);
});
