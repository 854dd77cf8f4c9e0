import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FirewallEvent, type Store, type Zone } from '../../src/store/index.ts';
import { makeEvent } from '../helpers/events.ts';

/** What the contract needs of an implementation: a fresh store per test, and its schema. */
export interface StoreHarness {
  /** A new, empty, migrated store. */
  create(): Promise<Store>;
  /** Opens the same database again, as a restart would. */
  reopen(store: Store): Promise<Store>;
  /** Marks the database as written by a newer Portcullis, then tries to open it. */
  openNewerThanCode(store: Store): Promise<Store>;
  /**
   * Opens a second store on the same database, as another process would; the change-feed
   * tests across stores are skipped without it.
   */
  openSecond?(store: Store): Promise<Store>;
  /** The number of migrations this implementation ships. */
  latestSchema: number;
}

export const rejectsWith = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (err: { code?: string }) => err.code === code);

export async function withStore(harness: StoreHarness, fn: (s: Store) => Promise<void>) {
  const store = await harness.create();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

export async function seedZone(s: Store, name = 'example.com'): Promise<Zone> {
  const account = (await s.listAccounts()).items[0] ?? (await s.createAccount({ name: 'acme' }));
  return s.createZone({ accountId: account.id, name });
}

export function event(
  zoneId: string,
  time: number,
  extra: Partial<FirewallEvent> = {},
): FirewallEvent {
  return makeEvent({ zoneId, time, ...extra });
}

/** A test that gets a fresh store from `harness` and closes it afterwards. */
export function storeTest(harness: StoreHarness) {
  return (title: string, fn: (s: Store) => Promise<void>) =>
    test(title, () => withStore(harness, fn));
}
