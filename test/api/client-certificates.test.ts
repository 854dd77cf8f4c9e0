import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Cloudflare from 'cloudflare';
import { deviceCsr, startCertApi, type CertApi } from './client-cert-harness.ts';

const FIELDS = [
  'id',
  'certificate',
  'certificate_authority',
  'common_name',
  'country',
  'state',
  'location',
  'organization',
  'organizational_unit',
  'csr',
  'expires_on',
  'issued_on',
  'fingerprint_sha256',
  'serial_number',
  'signature',
  'ski',
  'status',
  'validity_days',
];

describe('client certificates through the official client', () => {
  let api: CertApi;
  before(async () => {
    api = await startCertApi();
  });
  after(() => api.close());

  test('issues a certificate from a CSR with every field of Cloudflare result', async () => {
    const generated = await deviceCsr('device-0001');
    const cert = await api.client.clientCertificates.create({
      zone_id: api.zone.id,
      csr: generated.csrPem,
      validity_days: 365,
    });
    assert.deepEqual(Object.keys(cert).sort(), [...FIELDS].sort());
    assert.equal(cert.common_name, 'device-0001');
    assert.equal(cert.organization, 'Example Inc');
    assert.equal(cert.country, 'US');
    assert.equal(cert.state, '');
    assert.equal(cert.status, 'active');
    assert.equal(cert.validity_days, 365);
    assert.equal(cert.signature, 'ECDSAWithSHA256');
    assert.match(cert.fingerprint_sha256!, /^[0-9a-f]{64}$/);
    assert.match(cert.serial_number!, /^[0-9A-F]+$/);
    assert.match(cert.ski!, /^[0-9a-f]{40}$/);
    assert.match(cert.expires_on!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(cert.certificate!, /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(cert.csr, generated.csrPem);
    assert.equal(
      cert.certificate_authority?.name,
      `Portcullis Managed CA for account ${api.accountId}`,
    );
    const again = await api.client.clientCertificates.get(cert.id!, { zone_id: api.zone.id });
    assert.deepEqual(again, cert);
  });

  test('lists with status filters and pages until an empty page', async () => {
    const zone_id = api.zone.id;
    for (let i = 0; i < 4; i++) {
      const { csrPem } = await deviceCsr(`paged-${i}`);
      await api.client.clientCertificates.create({ zone_id, csr: csrPem, validity_days: 30 });
    }
    const seen: string[] = [];
    for await (const c of api.client.clientCertificates.list({ zone_id, per_page: 2 })) {
      seen.push(c.common_name!);
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    const first = await api.client.clientCertificates.list({ zone_id, per_page: 2 });
    assert.equal(first.result.length, 2);
    assert.deepEqual(first.result_info, {
      page: 1,
      per_page: 2,
      count: 2,
      total_count: 5,
      total_pages: 3,
    });
    const revoked = await api.client.clientCertificates.list({ zone_id, status: 'revoked' });
    assert.equal(revoked.result.length, 0);
    const active = await api.client.clientCertificates.list({ zone_id, status: 'active' });
    assert.equal(active.result.length, 5);
  });

  test('generates the key and CSR and shows the key once', async () => {
    const res = await fetch(`${api.baseURL}/zones/${api.zone.id}/client_certificates/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        common_name: 'phone-7',
        organizational_unit: 'Phones',
        validity_days: 90,
      }),
    });
    assert.equal(res.status, 200);
    const { result } = (await res.json()) as { result: Record<string, string> };
    assert.match(result.private_key!, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(result.organizational_unit, 'Phones');
    const stored = await api.client.clientCertificates.get(result.id!, { zone_id: api.zone.id });
    assert.equal('private_key' in stored, false);
  });

  const refused: [string, Record<string, unknown>, RegExp, string][] = [
    ['text that is not PEM', { csr: 'hello', validity_days: 30 }, /not PEM.*NOT_PEM/, '/csr'],
    [
      'a PEM of the wrong type',
      { csr: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', validity_days: 30 },
      /expected a PEM CERTIFICATE REQUEST block, got CERTIFICATE/,
      '/csr',
    ],
    [
      'a validity of 0 days',
      { validity_days: 0 },
      /validity_days must be an integer from 1 to 5475, got 0/,
      '/validity_days',
    ],
    ['a validity of 20 years', { validity_days: 7300 }, /VALIDITY_OUT_OF_RANGE/, '/validity_days'],
  ];
  for (const [what, body, message, pointer] of refused) {
    test(`refuses ${what} with 400 and stores nothing`, async () => {
      const { csrPem } = await deviceCsr('refused');
      const before = (await api.store.listClientCertificates({ zoneId: api.zone.id })).total;
      const err = await api.client.clientCertificates
        .create({ zone_id: api.zone.id, csr: csrPem, validity_days: 30, ...body } as never)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof Cloudflare.BadRequestError, String(err));
      assert.equal(err.errors[0]?.code, 1450);
      assert.match(err.errors[0]?.message ?? '', message);
      assert.equal(err.errors[0]?.source?.pointer, pointer);
      assert.equal((await api.store.listClientCertificates({ zoneId: api.zone.id })).total, before);
    });
  }

  test('refuses a CSR whose signature does not verify', async () => {
    const { csr } = await deviceCsr('tampered');
    const der = Buffer.from(csr.der);
    der[der.length - 5]! ^= 0xff;
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const err = await api.client.clientCertificates
      .create({ zone_id: api.zone.id, csr: pem, validity_days: 30 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof Cloudflare.BadRequestError);
    assert.match(err.errors[0]?.message ?? '', /signature does not verify|MALFORMED/);
  });

  test('answers 404 for a certificate of another zone or none', async () => {
    const other = await api.store.createZone({ accountId: api.accountId, name: 'other.test' });
    const [cert] = (await api.store.listClientCertificates({ zoneId: api.zone.id })).items;
    const err = await api.client.clientCertificates.get(cert!.id, { zone_id: other.id }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Cloudflare.NotFoundError);
  });

  test('records issuing in the audit log without any PEM', async () => {
    const audit = await api.store.listAudit({ accountId: api.accountId, perPage: 100 });
    const created = audit.items.filter((e) => e.resourceType === 'client_certificate');
    assert.ok(created.length >= 6);
    assert.doesNotMatch(JSON.stringify(audit.items), /-----BEGIN/);
  });
});
