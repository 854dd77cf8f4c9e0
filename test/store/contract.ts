import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { StoreErrorCode, type Store, type Zone } from '../../src/store/index.ts';
import { edgesContract } from './contract-edges.ts';
import { eventAnalyticsContract } from './contract-events.ts';
import { transactionContract } from './contract-feed.ts';
import { rulesContract } from './contract-rules.ts';
import { event, rejectsWith, seedZone, storeTest, type StoreHarness } from './contract-support.ts';

export type { StoreHarness } from './contract-support.ts';

/** The behaviour every `Store` implementation must show; run it with a harness per backend. */
export function storeContract(name: string, harness: StoreHarness): void {
  const it = storeTest(harness);
  rulesContract(name, harness);
  eventAnalyticsContract(name, harness);
  transactionContract(name, harness);
  edgesContract(name, harness);

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
}
