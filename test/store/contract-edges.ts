import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { StoreErrorCode, type ConfigChange } from '../../src/store/index.ts';
import { rejectsWith, storeTest, type StoreHarness } from './contract-support.ts';

/** The contract for edge reports: what revocations wait on. */
export function edgesContract(name: string, harness: StoreHarness): void {
  const it = storeTest(harness);
  describe(`${name} store: edge reports`, () => {
    it('creates an edge on its first report with the defaults', async (s) => {
      const before = Date.now();
      const edge = await s.reportEdge({ id: 'e1', name: 'edge-1', appliedVersion: 3 });
      assert.deepEqual(
        { ...edge, lastSeen: undefined, firstSeen: undefined },
        {
          id: 'e1',
          name: 'edge-1',
          role: 'edge',
          appliedVersion: 3,
          source: 'store',
          lastSeen: undefined,
          firstSeen: undefined,
        },
      );
      assert.equal(edge.firstSeen, edge.lastSeen);
      assert.ok(Date.parse(edge.lastSeen) >= before - 1000);
      assert.ok(Date.parse(edge.lastSeen) <= Date.now() + 1000);
      assert.deepEqual(await s.listEdges(), [edge]);
    });

    it('updates an edge on later reports and keeps when it was first seen', async (s) => {
      const first = await s.reportEdge({ id: 'e1', name: 'edge-1', appliedVersion: 1 });
      await new Promise((r) => setTimeout(r, 5));
      const next = await s.reportEdge({
        id: 'e1',
        name: 'edge-1b',
        appliedVersion: 7,
        role: 'all',
        source: 'local copy',
      });
      assert.equal(next.firstSeen, first.firstSeen);
      assert.ok(next.lastSeen > first.lastSeen);
      assert.deepEqual(
        [next.name, next.appliedVersion, next.role, next.source],
        ['edge-1b', 7, 'all', 'local copy'],
      );
      assert.equal((await s.listEdges()).length, 1);
    });

    it('lists edges by name and forgets a deleted one', async (s) => {
      await s.reportEdge({ id: 'b', name: 'zeta', appliedVersion: 1 });
      await s.reportEdge({ id: 'a', name: 'alpha', appliedVersion: 2 });
      assert.deepEqual(
        (await s.listEdges()).map((e) => e.id),
        ['a', 'b'],
      );
      await s.deleteEdge('b');
      assert.deepEqual(
        (await s.listEdges()).map((e) => e.id),
        ['a'],
      );
      await rejectsWith(s.deleteEdge('b'), StoreErrorCode.NotFound);
    });

    it('neither bumps the version nor notifies subscribers', async (s) => {
      const seen: ConfigChange[] = [];
      s.subscribe((c) => seen.push(c));
      const before = await s.configVersion();
      await s.reportEdge({ id: 'e1', name: 'edge-1', appliedVersion: before });
      await s.reportEdge({ id: 'e1', name: 'edge-1', appliedVersion: before });
      await s.deleteEdge('e1');
      assert.equal(await s.configVersion(), before);
      assert.deepEqual(seen, []);
    });

    it('keeps edge reports inside a transaction with the rest of it', async (s) => {
      await assert.rejects(
        s.transaction(async (tx) => {
          await tx.reportEdge({ id: 'e1', name: 'edge-1', appliedVersion: 1 });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await s.listEdges(), []);
    });
  });
}
