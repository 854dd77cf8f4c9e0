import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  StoreErrorCode,
  type ConfigChange,
  type FirewallEvent,
  type Store,
  type Zone,
} from '../../src/store/index.ts';
import { makeEvent } from '../helpers/events.ts';

/** What the contract needs of an implementation: a fresh store per test, and its schema. */
export interface StoreHarness {
  /** A new, empty, migrated store. */
  create(): Promise<Store>;
  /** Opens the same database again, as a restart would. */
  reopen(store: Store): Promise<Store>;
  /** Marks the database as written by a newer Portcullis, then tries to open it. */
  openNewerThanCode(store: Store): Promise<Store>;
  /** The number of migrations this implementation ships. */
  latestSchema: number;
}

const rejectsWith = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (err: { code?: string }) => err.code === code);

async function withStore(harness: StoreHarness, fn: (s: Store) => Promise<void>) {
  const store = await harness.create();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

async function seedZone(s: Store, name = 'example.com'): Promise<Zone> {
  const account = (await s.listAccounts()).items[0] ?? (await s.createAccount({ name: 'acme' }));
  return s.createZone({ accountId: account.id, name });
}

function event(zoneId: string, time: number, extra: Partial<FirewallEvent> = {}): FirewallEvent {
  return makeEvent({ zoneId, time, ...extra });
}

/** The behaviour every `Store` implementation must show; run it with a harness per backend. */
export function storeContract(name: string, harness: StoreHarness): void {
  const it = (title: string, fn: (s: Store) => Promise<void>) =>
    test(title, () => withStore(harness, fn));

  describe(`${name} store: accounts and zones`, () => {
    it('creates, reads, lists and renames accounts', async (s) => {
      const a = await s.createAccount({ name: 'acme' });
      assert.equal((await s.getAccount(a.id))?.name, 'acme');
      assert.deepEqual((await s.updateAccount(a.id, { name: 'acme inc' })).name, 'acme inc');
      const list = await s.listAccounts();
      assert.equal(list.total, 1);
      assert.equal(list.items[0]?.id, a.id);
      assert.equal(await s.getAccount('missing'), undefined);
    });

    it('creates zones with lowercase unique names and pages through them', async (s) => {
      const a = await s.createAccount({ name: 'acme' });
      for (const n of ['c.com', 'A.com', 'b.com']) await s.createZone({ accountId: a.id, name: n });
      await rejectsWith(s.createZone({ accountId: a.id, name: 'a.com' }), StoreErrorCode.Conflict);
      const p1 = await s.listZones({ perPage: 2, page: 1 });
      const p2 = await s.listZones({ perPage: 2, page: 2 });
      const p3 = await s.listZones({ perPage: 2, page: 3 });
      assert.deepEqual(
        [...p1.items, ...p2.items].map((z) => z.name),
        ['a.com', 'b.com', 'c.com'],
      );
      assert.equal(p1.total, 3);
      assert.deepEqual(p3.items, []);
      assert.equal((await s.listZones({ name: 'B.COM' })).items[0]?.name, 'b.com');
      assert.equal((await s.listZones({ accountId: 'other' })).total, 0);
    });

    it('edits and deletes zones, refusing while hosts remain', async (s) => {
      const z = await seedZone(s);
      assert.equal((await s.updateZone(z.id, { paused: true })).paused, true);
      const h = await s.createHost({
        zoneId: z.id,
        hostname: 'api.example.com',
        origin: 'http://o',
      });
      await rejectsWith(s.deleteZone(z.id), StoreErrorCode.Conflict);
      await s.deleteHost(h.id);
      await s.deleteZone(z.id);
      assert.equal(await s.getZone(z.id), undefined);
      await rejectsWith(s.deleteZone(z.id), StoreErrorCode.NotFound);
      await rejectsWith(s.updateZone('missing', { paused: false }), StoreErrorCode.NotFound);
    });
  });

  describe(`${name} store: hosts and certificate authorities`, () => {
    it('creates, finds, edits and deletes hosts', async (s) => {
      const z = await seedZone(s);
      const h = await s.createHost({
        zoneId: z.id,
        hostname: 'API.example.com',
        origin: 'http://127.0.0.1:9000',
      });
      assert.equal(h.hostname, 'api.example.com');
      assert.equal(h.mtlsEnabled, false);
      assert.deepEqual(h.identityHeaders, {});
      assert.equal((await s.getHostByName('api.EXAMPLE.com'))?.id, h.id);
      const edited = await s.updateHost(h.id, {
        mtlsEnabled: true,
        identityHeaders: { rfc9440: true, xfcc: false },
      });
      assert.equal(edited.mtlsEnabled, true);
      assert.deepEqual(edited.identityHeaders, { rfc9440: true, xfcc: false });
      assert.equal(edited.origin, 'http://127.0.0.1:9000');
      await rejectsWith(
        s.createHost({ zoneId: z.id, hostname: 'api.example.com', origin: 'http://x' }),
        StoreErrorCode.Conflict,
      );
      assert.deepEqual(
        (await s.listHosts(z.id)).map((x) => x.id),
        [h.id],
      );
      await s.deleteHost(h.id);
      assert.equal(await s.getHost(h.id), undefined);
    });

    it('keeps certificate authorities with their sealed keys and CRLs', async (s) => {
      const z = await seedZone(s);
      const key = new Uint8Array([1, 2, 3, 250]);
      const ca = await s.createCertificateAuthority({
        accountId: z.accountId,
        kind: 'managed',
        name: 'Managed CA',
        certificatePem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
        sealedPrivateKey: key,
      });
      assert.deepEqual(ca.sealedPrivateKey, key);
      assert.equal(ca.crlNumber, 0);
      const crl = new Uint8Array([48, 0]);
      const updated = await s.updateCertificateAuthority(ca.id, { crlNumber: 1, crlDer: crl });
      assert.equal(updated.crlNumber, 1);
      assert.deepEqual(updated.crlDer, crl);
      assert.equal((await s.listCertificateAuthorities(z.accountId)).length, 1);

      const h = await s.createHost({
        zoneId: z.id,
        hostname: 'api.example.com',
        origin: 'http://o',
        certificateAuthorityId: ca.id,
      });
      await rejectsWith(s.deleteCertificateAuthority(ca.id), StoreErrorCode.Conflict);
      await s.updateHost(h.id, { certificateAuthorityId: null });
      await s.deleteCertificateAuthority(ca.id);
      assert.equal(await s.getCertificateAuthority(ca.id), undefined);
    });
  });

  describe(`${name} store: client certificates`, () => {
    async function issue(s: Store, zone: Zone, caId: string, serial: string) {
      return s.createClientCertificate({
        zoneId: zone.id,
        certificateAuthorityId: caId,
        serialNumber: serial,
        fingerprintSha256: `AB${serial}`,
        certificatePem: 'pem',
        csrPem: 'csr',
        commonName: `device-${serial}`,
        validityDays: 365,
        issuedOn: '2026-01-01T00:00:00.000Z',
        expiresOn: '2027-01-01T00:00:00.000Z',
        details: { organization: 'Acme' },
        sealedPrivateKey: null,
      });
    }

    it('issues, lists by status, revokes and restores', async (s) => {
      const z = await seedZone(s);
      const ca = await s.createCertificateAuthority({
        accountId: z.accountId,
        kind: 'managed',
        name: 'CA',
        certificatePem: 'pem',
        sealedPrivateKey: null,
      });
      const a = await issue(s, z, ca.id, '0a1b');
      const b = await issue(s, z, ca.id, '0C2D');
      assert.equal(a.serialNumber, '0A1B');
      assert.equal(a.fingerprintSha256, 'ab0a1b');
      assert.equal(a.status, 'active');
      assert.deepEqual(a.details, { organization: 'Acme' });
      await rejectsWith(issue(s, z, ca.id, '0A1B'), StoreErrorCode.Conflict);

      const revoked = await s.setClientCertificateStatus(a.id, 'pending_revocation');
      assert.equal(revoked.status, 'pending_revocation');
      assert.ok(revoked.revokedOn);
      assert.equal(revoked.statusVersion, await s.configVersion());
      assert.deepEqual(await s.listRevokedSerials(ca.id), ['0A1B']);
      await s.setClientCertificateStatus(a.id, 'revoked');
      const active = await s.listClientCertificates({ zoneId: z.id, status: 'active' });
      assert.deepEqual(
        active.items.map((c) => c.id),
        [b.id],
      );

      await s.setClientCertificateStatus(a.id, 'active');
      assert.deepEqual(await s.listRevokedSerials(ca.id), []);
      const all = await s.listClientCertificates({ zoneId: z.id, perPage: 1, page: 2 });
      assert.deepEqual(
        all.items.map((c) => c.id),
        [b.id],
      );
      assert.equal(all.total, 2);
      assert.deepEqual((await s.listClientCertificates({ zoneId: z.id, page: 3 })).items, []);
    });
  });

  describe(`${name} store: custom certificates`, () => {
    it('keeps uploaded server certificates per zone, highest priority first', async (s) => {
      const z = await seedZone(s);
      const base = {
        zoneId: z.id,
        certificatePem: 'pem',
        sealedPrivateKey: new Uint8Array([9, 8, 7]),
        issuer: 'CN=Public CA',
        signature: 'ECDSAWithSHA256',
        bundleMethod: 'ubiquitous',
        expiresOn: '2027-01-01T00:00:00Z',
      };
      const low = await s.createCustomCertificate({
        ...base,
        hosts: ['*.example.com'],
        priority: 0,
      });
      const high = await s.createCustomCertificate({
        ...base,
        hosts: ['api.example.com'],
        priority: 5,
      });
      assert.deepEqual(low.sealedPrivateKey, new Uint8Array([9, 8, 7]));
      assert.deepEqual(
        (await s.listCustomCertificates(z.id)).map((c) => c.id),
        [high.id, low.id],
      );
      const version = await s.configVersion();
      const moved = await s.updateCustomCertificate(low.id, {
        priority: 10,
        hosts: ['example.com'],
      });
      assert.deepEqual(moved.hosts, ['example.com']);
      assert.equal(await s.configVersion(), version + 1);
      assert.deepEqual(
        (await s.listCustomCertificates(z.id)).map((c) => c.id),
        [low.id, high.id],
      );
      await s.deleteCustomCertificate(high.id);
      assert.equal(await s.getCustomCertificate(high.id), undefined);
      await rejectsWith(s.deleteCustomCertificate(high.id), StoreErrorCode.NotFound);
    });
  });

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

  describe(`${name} store: tokens, audit log and events`, () => {
    it('keeps tokens by the hash of their secret', async (s) => {
      const t = await s.createApiToken({
        name: 'admin',
        secretHash: 'h1',
        policies: [{ effect: 'allow', scopes: ['*'], permissions: ['*'] }],
      });
      assert.equal(t.status, 'active');
      assert.equal((await s.getApiTokenBySecretHash('h1'))?.id, t.id);
      const used = await s.updateApiToken(t.id, { lastUsedOn: '2026-02-02T00:00:00.000Z' });
      assert.equal(used.modifiedOn, t.modifiedOn);
      const rolled = await s.updateApiToken(t.id, { secretHash: 'h2' });
      assert.equal(await s.getApiTokenBySecretHash('h1'), undefined);
      assert.equal(rolled.secretHash, 'h2');
      assert.equal((await s.listApiTokens()).total, 1);
      await s.deleteApiToken(t.id);
      await rejectsWith(s.deleteApiToken(t.id), StoreErrorCode.NotFound);
    });

    it('appends audit entries and lists them newest first', async (s) => {
      const a = await s.createAccount({ name: 'acme' });
      const entry = (action: string, when: string) =>
        s.appendAudit({
          accountId: a.id,
          actor: 'token-1',
          action,
          resourceType: 'zone',
          resourceId: 'z1',
          zoneId: 'z1',
          before: action === 'create' ? null : { paused: false },
          after: { paused: true },
          when,
        });
      await entry('create', '2026-01-01T00:00:00.000Z');
      await entry('update', '2026-01-02T00:00:00.000Z');
      const list = await s.listAudit({ accountId: a.id });
      assert.deepEqual(
        list.items.map((e) => e.action),
        ['update', 'create'],
      );
      assert.deepEqual(list.items[0]?.before, { paused: false });
      assert.equal(list.items[1]?.before, null);
      const since = await s.listAudit({ accountId: a.id, since: '2026-01-02T00:00:00.000Z' });
      assert.equal(since.total, 1);
      const creates = await s.listAudit({ accountId: a.id, action: 'create', zoneId: 'z1' });
      assert.deepEqual([creates.total, creates.items[0]?.action], [1, 'create']);
      const byId = await s.listAudit({ accountId: a.id, id: creates.items[0]!.id });
      assert.equal(byId.total, 1);
      assert.equal((await s.listAudit({ accountId: a.id, zoneId: 'z2' })).total, 0);
      const oldest = await s.listAudit({ accountId: a.id, ascending: true, perPage: 1 });
      assert.deepEqual([oldest.total, oldest.items[0]?.action], [2, 'create']);
    });

    it('stores event batches and pages them newest first with filters', async (s) => {
      const z = await seedZone(s);
      const batch = Array.from({ length: 25 }, (_, i) =>
        event(z.id, 1_000 + i, { action: i % 5 === 0 ? 'log' : 'block' }),
      );
      await s.insertEvents(batch);
      const first = await s.queryEvents({ zoneId: z.id, limit: 10 });
      assert.equal(first.items.length, 10);
      assert.equal(first.items[0]?.time, 1_024);
      const seen = [...first.items];
      let cursor = first.cursor;
      while (cursor) {
        const next = await s.queryEvents({ zoneId: z.id, limit: 10, cursor });
        seen.push(...next.items);
        cursor = next.cursor;
      }
      assert.deepEqual(
        seen.map((e) => e.time),
        batch.map((e) => e.time).reverse(),
      );
      assert.equal((await s.queryEvents({ zoneId: z.id, action: 'log' })).items.length, 5);
      const window = await s.queryEvents({ zoneId: z.id, since: 1_010, until: 1_012 });
      assert.deepEqual(
        window.items.map((e) => e.time),
        [1_011, 1_010],
      );
      await rejectsWith(s.queryEvents({ zoneId: z.id, cursor: '!!' }), StoreErrorCode.Invalid);
      assert.equal(await s.deleteEventsBefore(1_020), 20);
      assert.equal((await s.queryEvents({ zoneId: z.id })).items.length, 5);
    });
  });

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
