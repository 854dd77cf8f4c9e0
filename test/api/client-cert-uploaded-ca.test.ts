import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import { buildConfiguration } from '../../src/config/builder.ts';
import {
  buildCrl,
  createManagedCa,
  issueClientCertificate,
  type CreatedCa,
} from '../../src/pki/index.ts';
import { deviceCsr, startCertApi, type CertApi } from './client-cert-harness.ts';

const authorityOf = (ca: CreatedCa) => ({
  certificateDer: ca.certificateDer,
  privateKey: ca.keys.privateKey,
});

/** Calls the API and gives the error it throws, or fails when it does not throw. */
async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof Cloudflare.APIError>> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof Cloudflare.APIError, `expected an API error, got ${String(err)}`);
  return err;
}

describe('uploaded CAs, their CRLs and hostname associations', () => {
  let api: CertApi;
  let factory: CreatedCa;
  let stranger: CreatedCa;
  let caId: string;
  before(async () => {
    api = await startCertApi();
    factory = await createManagedCa({ accountId: 'factory' });
    stranger = await createManagedCa({ accountId: 'stranger' });
  });
  after(() => api.close());

  const crlPut = (body: Uint8Array | string, type = 'application/pkix-crl') =>
    fetch(`${api.baseURL}/accounts/${api.accountId}/mtls_certificates/${caId}/crl`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': type },
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
  const crlOf = async (ca: CreatedCa, crlNumber: number, serials: string[]) =>
    buildCrl({
      authority: authorityOf(ca),
      crlNumber,
      entries: serials.map((serialNumber) => ({ serialNumber, revokedAt: new Date() })),
    });

  test('uploads a CA and reads it back in Cloudflare shape', async () => {
    const created = await api.client.mtlsCertificates.create({
      account_id: api.accountId,
      ca: true,
      certificates: factory.certificatePem,
      name: 'Factory CA',
    });
    caId = created.id!;
    assert.equal(created.ca, true);
    assert.equal(created.name, 'Factory CA');
    assert.equal(created.certificates, factory.certificatePem);
    assert.equal(created.serial_number, factory.metadata.serial_number);
    assert.equal(created.issuer, factory.metadata.issuer);
    assert.equal(created.signature, 'ECDSAWithSHA256');
    assert.equal(created.type, 'custom');
    assert.ok(created.expires_on && created.uploaded_on);
    const got = await api.client.mtlsCertificates.get(caId, { account_id: api.accountId });
    assert.deepEqual(got, created);
    const list = await api.client.mtlsCertificates.list({ account_id: api.accountId });
    assert.deepEqual(
      list.result.map((c) => c.id),
      [caId],
    );
    const none = await api.client.mtlsCertificates.list({
      account_id: api.accountId,
      type: ['gateway_managed'],
    });
    assert.equal(none.result.length, 0);
  });

  test('refuses a leaf, an expired CA, text that is not PEM and ca: false', async () => {
    const leaf = await issueClientCertificate({
      csr: (await deviceCsr('leaf')).csr,
      authority: authorityOf(factory),
      validityDays: 5,
    });
    const expired = await createManagedCa({
      accountId: 'old',
      validityDays: 1,
      now: new Date(Date.now() - 3 * 86_400_000),
    });
    const cases: [string, boolean, RegExp][] = [
      [leaf.certificatePem, true, /not a CA certificate.*NOT_A_CA/],
      [expired.certificatePem, true, /expired on .*CERTIFICATE_EXPIRED/],
      ['not a certificate', true, /NOT_PEM/],
      [factory.certificatePem, false, /only CA certificates/],
    ];
    for (const [certificates, ca, message] of cases) {
      const err = await refusal(
        api.client.mtlsCertificates.create({ account_id: api.accountId, ca, certificates }),
      );
      assert.equal(err.status, 400);
      assert.match(err.errors[0]?.message ?? '', message);
    }
    const list = await api.client.mtlsCertificates.list({ account_id: api.accountId });
    assert.equal(list.result.length, 1);
  });

  test('associates hostnames with the uploaded CA and with the managed CA', async () => {
    const zone_id = api.zone.id;
    const updated = await api.client.certificateAuthorities.hostnameAssociations.update({
      zone_id,
      hostnames: ['api.example.com'],
      mtls_certificate_id: caId,
    });
    assert.deepEqual(updated.hostnames, ['api.example.com']);
    const host = await api.store.getHostByName('api.example.com');
    assert.equal(host?.mtlsEnabled, true);
    assert.equal(host?.certificateAuthorityId, caId);

    await api.client.certificateAuthorities.hostnameAssociations.update({
      zone_id,
      hostnames: ['www.example.com'],
    });
    const managed = await api.client.certificateAuthorities.hostnameAssociations.get({ zone_id });
    assert.deepEqual(managed.hostnames, ['www.example.com']);
    const uploaded = await api.client.certificateAuthorities.hostnameAssociations.get({
      zone_id,
      mtls_certificate_id: caId,
    });
    assert.deepEqual(uploaded.hostnames, ['api.example.com']);
    const associations = await api.client.mtlsCertificates.associations.get(caId, {
      account_id: api.accountId,
    });
    assert.deepEqual(
      associations.result.map((a) => [a.service, a.status]),
      [['mtls', 'active']],
    );
  });

  test('refuses a hostname that is not a host of the zone and changes nothing', async () => {
    const version = await api.store.configVersion();
    const err = await refusal(
      api.client.certificateAuthorities.hostnameAssociations.update({
        zone_id: api.zone.id,
        hostnames: ['www.example.com', 'nope.example.com'],
      }),
    );
    assert.equal(err.status, 400);
    assert.match(err.errors[0]?.message ?? '', /nope\.example\.com is not a host of zone/);
    assert.equal(err.errors[0]?.source?.pointer, '/hostnames/1');
    assert.equal(await api.store.configVersion(), version);
  });

  test('uploads a CRL signed by the CA, whose serials the edge then treats as revoked', async () => {
    const crl = await crlOf(factory, 5, ['0A1B2C', 'DEADBEEF']);
    const res = await crlPut(crl.der);
    assert.equal(res.status, 200, await res.clone().text());
    const { result } = (await res.json()) as { result: { crl_number: number } };
    assert.equal(result.crl_number, 5);
    const built = await buildConfiguration(api.store, {
      forHost: async () => ({ certificatePem: '', privateKeyPem: '' }),
    });
    assert.deepEqual([...(built.revoked.get(caId) ?? [])].sort(), ['0A1B2C', 'DEADBEEF']);
    const view = await api.client.mtlsCertificates.get(caId, { account_id: api.accountId });
    assert.equal((view as { crl_number?: number }).crl_number, 5);
  });

  test('refuses a CRL of another CA, an older CRL number and a body that is no CRL', async () => {
    const cases: [Response, RegExp][] = [
      [await crlPut((await crlOf(stranger, 9, ['01'])).der), /CRL_NOT_SIGNED_BY_CA/],
      [await crlPut((await crlOf(factory, 5, ['01'])).der), /CRL number 5 is not above 5/],
      [await crlPut(JSON.stringify({ crl: 'garbage' }), 'application/json'), /NOT_PEM/],
      [await crlPut(JSON.stringify({}), 'application/json'), /application\/pkix-crl/],
    ];
    for (const [res, message] of cases) {
      assert.equal(res.status, 400);
      const body = (await res.json()) as { errors: { message: string; source?: object }[] };
      assert.match(body.errors[0]!.message, message);
      assert.deepEqual(body.errors[0]!.source, { pointer: '/crl' });
    }
    const newer = await crlOf(factory, 6, []);
    const ok = await crlPut(JSON.stringify({ crl: newer.pem }), 'application/json');
    assert.equal(ok.status, 200);
  });

  test('refuses to delete a CA while a hostname uses it, then deletes it', async () => {
    const inUse = await refusal(
      api.client.mtlsCertificates.delete(caId, { account_id: api.accountId }),
    );
    assert.equal(inUse.status, 409);
    assert.equal(inUse.headers?.get('x-should-retry'), 'false');
    await api.client.certificateAuthorities.hostnameAssociations.update({
      zone_id: api.zone.id,
      hostnames: [],
      mtls_certificate_id: caId,
    });
    const host = await api.store.getHostByName('api.example.com');
    assert.equal(host?.mtlsEnabled, false);
    assert.equal(host?.certificateAuthorityId, null);
    const deleted = await api.client.mtlsCertificates.delete(caId, { account_id: api.accountId });
    assert.equal(deleted.id, caId);
    const gone = await refusal(
      api.client.mtlsCertificates.get(caId, { account_id: api.accountId }),
    );
    assert.equal(gone.status, 404);
  });
});
