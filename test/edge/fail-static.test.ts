/**
 * An edge whose store is unreachable keeps serving: it saves what it serves to a local copy,
 * a restarted edge starts from that copy, and both catch up once the store answers again.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { EdgeServer } from '../../src/edge/edge-server.ts';
import { EdgeCertificates } from '../../src/edge/server-certificates.ts';
import { EventBuffer } from '../../src/events/event-buffer.ts';
import { openInBackground, StoreError, StoreErrorCode, type Store } from '../../src/store/index.ts';
import {
  edgeRequest,
  issueIdentity,
  startEdgeHarness,
  type EdgeHarness,
  type Identity,
} from '../helpers/edge.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(20);
  }
}

/** A store that is down until `open()`, then is the harness's own store. */
function unreachableUntilOpened(store: Store) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let opened = false;
  const background = openInBackground(
    async () => {
      if (!opened) throw new StoreError(StoreErrorCode.Unavailable, 'connection refused');
      await gate;
      // The harness closes its store itself; this edge only borrows it.
      return { ...bind(store), close: async () => {} } as Store;
    },
    { retryMs: 50 },
  );
  return {
    store: background,
    open: () => {
      opened = true;
      open();
    },
  };
}

function bind(store: Store): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let proto: object | null = store;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (store as unknown as Record<string, unknown>)[name];
      if (typeof value === 'function' && !(name in out)) out[name] = value.bind(store);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out;
}

describe('an edge whose store is unreachable', () => {
  let h: EdgeHarness;
  let copy: string;
  let device: Identity;
  let revokedDevice: Identity;

  before(async () => {
    h = await startEdgeHarness({ keepLocalCopy: true, pollIntervalMs: 100 });
    copy = join(h.dir, 'edge-configuration.json');
    device = await issueIdentity(h, 'device-kept');
    revokedDevice = await issueIdentity(h, 'device-revoked');
  });

  after(async () => {
    await h.close();
  });

  test('keeps a local copy of the configuration it serves, revocations included', async () => {
    const revoked = await h.store.setClientCertificateStatus(revokedDevice.record!.id, 'revoked');
    await h.edge.waitForVersion(revoked.statusVersion);
    await eventually(() => {
      if (!existsSync(copy)) return false;
      const saved = JSON.parse(readFileSync(copy, 'utf8'));
      return saved.data.version === h.edge.appliedVersion;
    }, 'the copy holds the version in service');
    const saved = readFileSync(copy, 'utf8');
    assert.ok(saved.includes(revokedDevice.record!.serialNumber), 'the revoked serial is saved');
    assert.ok(!/PRIVATE KEY/.test(saved), 'no private key in the clear');
  });

  test('a restarted edge starts from the copy, serves it, and catches up later', async () => {
    const down = unreachableUntilOpened(h.store);
    const events = new EventBuffer({ write: (b) => down.store.insertEvents(b) });
    const edge = await EdgeServer.start(
      {
        store: down.store,
        logger: pino({ level: 'silent' }),
        certificates: await EdgeCertificates.load(h.dir, h.masterKey),
        events,
        localCopy: copy,
        pollIntervalMs: 100,
        forwarder: { overrides: new Map([['echo.portcullis.internal:80', h.echoUrl]]) },
      },
      '127.0.0.1',
      0,
    );
    const second = { ...h, port: edge.port };
    try {
      assert.equal(edge.storeReachable, false);
      assert.equal(edge.appliedVersion, h.edge.appliedVersion);
      assert.equal((await edgeRequest(second, { identity: device })).status, 200);
      assert.equal((await edgeRequest(second, { identity: revokedDevice })).status, 403);
      assert.equal((await edgeRequest(second)).status, 403);

      // A change made while this edge cannot see the store reaches it once the store answers.
      await h.store.createRule({
        zoneId: h.zone.id,
        action: 'block',
        expression: 'http.request.uri.path eq "/closed"',
        position: 1,
      });
      await sleep(300);
      assert.equal((await edgeRequest(second, { identity: device, path: '/closed' })).status, 200);
      down.open();
      await eventually(() => edge.storeReachable, 'the store is reachable again');
      await edge.waitForVersion(await h.store.configVersion());
      assert.equal((await edgeRequest(second, { identity: device, path: '/closed' })).status, 403);
    } finally {
      await edge.close(100);
      await events.close();
    }
  });

  test('without a copy, an edge that cannot reach its store says why and stops', async () => {
    const down = unreachableUntilOpened(h.store);
    const missing = join(h.dir, 'nothing-here.json');
    await assert.rejects(
      EdgeServer.start(
        {
          store: down.store,
          logger: pino({ level: 'silent' }),
          certificates: await EdgeCertificates.load(h.dir, h.masterKey),
          events: new EventBuffer({ write: async () => {} }),
          localCopy: missing,
        },
        '127.0.0.1',
        0,
      ),
      (err: Error) =>
        err instanceof StoreError &&
        err.code === StoreErrorCode.Unavailable &&
        /no configuration to start from: no local copy at .*nothing-here\.json/.test(err.message),
    );
    await down.store.close();
  });

  test('a damaged copy is refused with its path, not served', async () => {
    const down = unreachableUntilOpened(h.store);
    const damaged = join(h.dir, 'damaged.json');
    writeFileSync(damaged, '{"format": "portcullis-edge-configuration/1", "data": ');
    await assert.rejects(
      EdgeServer.start(
        {
          store: down.store,
          logger: pino({ level: 'silent' }),
          certificates: await EdgeCertificates.load(h.dir, h.masterKey),
          events: new EventBuffer({ write: async () => {} }),
          localCopy: damaged,
        },
        '127.0.0.1',
        0,
      ),
      /damaged\.json is damaged: it is not JSON/,
    );
    await down.store.close();
  });
});
