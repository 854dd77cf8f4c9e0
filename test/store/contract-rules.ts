import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { StoreErrorCode, type Store } from '../../src/store/index.ts';
import { rejectsWith, seedZone, storeTest, type StoreHarness } from './contract-support.ts';

/** The contract for rules, rulesets and lists. */
export function rulesContract(name: string, harness: StoreHarness): void {
  const it = storeTest(harness);
  describe(`${name} store: rules`, () => {
    const ids = async (s: Store, zoneId: string) => (await s.listRules(zoneId)).map((r) => r.ref);

    it('keeps an ordered list with inserts, moves and deletes', async (s) => {
      const z = await seedZone(s);
      const add = (ref: string, position?: number) =>
        s.createRule({ zoneId: z.id, action: 'block', expression: 'ssl', ref, position });
      await add('a');
      await add('c');
      await add('b', 1);
      await add('first', 0);
      assert.deepEqual(await ids(s, z.id), ['first', 'a', 'b', 'c']);
      const c = (await s.listRules(z.id))[3]!;
      const moved = await s.updateRule(c.id, { position: 0, description: 'moved' });
      assert.equal(moved.version, 2);
      assert.equal(moved.description, 'moved');
      assert.deepEqual(await ids(s, z.id), ['c', 'first', 'a', 'b']);
      await s.updateRule(c.id, { position: 99 });
      assert.deepEqual(await ids(s, z.id), ['first', 'a', 'b', 'c']);
      const a = (await s.listRules(z.id))[1]!;
      await s.deleteRule(a.id);
      const after = await s.listRules(z.id);
      assert.deepEqual(
        after.map((r) => [r.ref, r.position]),
        [
          ['first', 0],
          ['b', 1],
          ['c', 2],
        ],
      );
    });

    it('stores action parameters and the enabled switch', async (s) => {
      const z = await seedZone(s);
      const r = await s.createRule({
        zoneId: z.id,
        action: 'block',
        expression: 'not cf.tls_client_auth.cert_verified',
        enabled: false,
        actionParameters: {
          response: { status_code: 401, content: 'no', content_type: 'text/plain' },
        },
      });
      assert.equal(r.enabled, false);
      assert.equal(r.ref, r.id);
      assert.deepEqual(r.actionParameters, {
        response: { status_code: 401, content: 'no', content_type: 'text/plain' },
      });
      assert.equal((await s.updateRule(r.id, { enabled: true })).enabled, true);
    });

    it('replaces the whole list, keeping ids and versions of unchanged rules', async (s) => {
      const z = await seedZone(s);
      const keep = await s.createRule({ zoneId: z.id, action: 'log', expression: 'ssl' });
      const edit = await s.createRule({ zoneId: z.id, action: 'block', expression: 'ssl' });
      await s.createRule({ zoneId: z.id, action: 'block', expression: 'ssl', ref: 'gone' });
      const result = await s.replaceRules(z.id, [
        { id: edit.id, action: 'skip', expression: 'ssl', ref: edit.ref },
        { id: keep.id, action: 'log', expression: 'ssl', ref: keep.ref },
        { action: 'block', expression: 'not ssl', ref: 'new' },
      ]);
      assert.deepEqual(
        result.map((r) => r.ref),
        [edit.ref, keep.ref, 'new'],
      );
      assert.equal(result[0]?.version, 2);
      assert.equal(result[1]?.version, 1);
      assert.equal(result[2]?.version, 1);
      assert.equal(await s.getRule(keep.id).then((r) => r?.position), 1);
    });
  });

  describe(`${name} store: rulesets and lists`, () => {
    it('creates the ruleset with the first rule and bumps its version on every change', async (s) => {
      const z = await seedZone(s);
      assert.equal(await s.getRuleset(z.id), undefined);
      const r = await s.createRule({ zoneId: z.id, action: 'block', expression: 'ssl' });
      const first = (await s.getRuleset(z.id))!;
      assert.equal(first.version, 1);
      assert.equal(first.name, 'default');
      await s.updateRule(r.id, { enabled: false });
      const named = await s.saveRuleset(z.id, { name: 'edge', description: 'mine' });
      assert.deepEqual([named.version, named.name, named.description], [3, 'edge', 'mine']);
      assert.equal((await s.getRulesetById(first.id))?.zoneId, z.id);
      await s.replaceRules(z.id, []);
      assert.equal((await s.getRuleset(z.id))?.version, 4);
    });

    it('deletes a ruleset with its rules in one change', async (s) => {
      const z = await seedZone(s);
      await s.createRule({ zoneId: z.id, action: 'block', expression: 'ssl' });
      const before = await s.configVersion();
      await s.deleteRuleset(z.id);
      assert.equal(await s.configVersion(), before + 1);
      assert.deepEqual(await s.listRules(z.id), []);
      assert.equal(await s.getRuleset(z.id), undefined);
    });

    it('keeps named lists with unique names per account and their items', async (s) => {
      const z = await seedZone(s);
      const list = await s.createList({ accountId: z.accountId, name: 'office', kind: 'ip' });
      await rejectsWith(
        s.createList({ accountId: z.accountId, name: 'office', kind: 'asn' }),
        StoreErrorCode.Conflict,
      );
      const before = await s.configVersion();
      await s.addListItems(list.id, [
        { value: '10.0.0.0/8', comment: 'lan' },
        { value: '192.0.2.1' },
      ]);
      await s.addListItems(list.id, [{ value: '10.0.0.0/8', comment: 'renamed' }]);
      assert.equal(await s.configVersion(), before + 2);
      assert.deepEqual(await s.listItemValues(list.id), ['10.0.0.0/8', '192.0.2.1']);
      const page = await s.listListItems(list.id, { search: '192', perPage: 10 });
      assert.deepEqual([page.total, page.items[0]?.value], [1, '192.0.2.1']);
      const first = (await s.listListItems(list.id)).items[0]!;
      assert.equal(first.comment, 'renamed');
      assert.equal((await s.getListItem(list.id, first.id))?.value, '10.0.0.0/8');
      await s.deleteListItems(list.id, [first.id, 'missing']);
      assert.equal((await s.getList(list.id))?.numItems, 1);
      await s.replaceListItems(list.id, [{ value: '198.51.100.0/24' }]);
      assert.deepEqual(await s.listItemValues(list.id), ['198.51.100.0/24']);
      assert.equal((await s.getListByName(z.accountId, 'office'))?.id, list.id);
      assert.equal((await s.updateList(list.id, { description: 'd' })).description, 'd');
      await s.deleteList(list.id);
      assert.deepEqual(await s.listLists(z.accountId), []);
      await rejectsWith(s.addListItems(list.id, []), StoreErrorCode.NotFound);
    });

    it('keeps filters apart and lets a rule take over a filter id', async (s) => {
      const z = await seedZone(s);
      const before = await s.configVersion();
      const f = await s.createFilter({ zoneId: z.id, expression: 'ssl', description: 'tls' });
      assert.equal(await s.configVersion(), before);
      const edited = await s.updateFilter(f.id, { paused: true });
      assert.deepEqual([edited.paused, edited.description], [true, 'tls']);
      assert.deepEqual(
        (await s.listFilters(z.id)).map((x) => x.id),
        [f.id],
      );
      const rule = await s.createRule({
        zoneId: z.id,
        action: 'block',
        expression: f.expression,
        filterId: f.id,
      });
      await s.deleteFilter(f.id);
      assert.equal(rule.filterId, f.id);
      const [kept] = await s.replaceRules(z.id, [
        { id: rule.id, action: 'log', expression: 'ssl', ref: rule.ref },
      ]);
      assert.equal(kept?.filterId, f.id);
      const plain = await s.createRule({ zoneId: z.id, action: 'block', expression: 'ssl' });
      assert.equal(plain.filterId, plain.id);
      await rejectsWith(s.deleteFilter(f.id), StoreErrorCode.NotFound);
    });

    it('records list operations', async (s) => {
      const z = await seedZone(s);
      const op = await s.createListOperation({
        accountId: z.accountId,
        status: 'completed',
        error: null,
        completed: '2026-01-01T00:00:00.000Z',
      });
      assert.deepEqual(await s.getListOperation(op.id), op);
    });
  });
}
