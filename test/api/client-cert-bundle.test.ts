import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deviceCsr, startCertApi, type CertApi } from './client-cert-harness.ts';

describe('device bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bundle-'));
  let api: CertApi;
  let generatedId: string;
  let privateKey: string;
  let fromCsrId: string;

  const bundle = (id: string, init: { method?: string; body?: object; query?: string } = {}) =>
    fetch(
      `${api.baseURL}/zones/${api.zone.id}/client_certificates/${id}/bundle${init.query ?? ''}`,
      {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${api.token}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      },
    );
  const openssl = (...args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });

  before(async () => {
    api = await startCertApi();
    const res = await fetch(`${api.baseURL}/zones/${api.zone.id}/client_certificates/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ common_name: 'phone 7', validity_days: 30 }),
    });
    const { result } = (await res.json()) as { result: { id: string; private_key: string } };
    generatedId = result.id;
    privateKey = result.private_key;
    const { csrPem } = await deviceCsr('own-key');
    const created = await api.client.clientCertificates.create({
      zone_id: api.zone.id,
      csr: csrPem,
      validity_days: 30,
    });
    fromCsrId = created.id!;
  });
  after(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the PEM bundle holds the certificate, the CA and the generated key', async () => {
    const res = await bundle(generatedId, { query: '?format=pem' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-disposition')!, /filename="phone_7\.pem"/);
    const text = await res.text();
    assert.equal(text.match(/BEGIN CERTIFICATE-----/g)?.length, 2);
    assert.ok(text.endsWith(privateKey));
    writeFileSync(join(dir, 'bundle.pem'), text);
    const check = openssl('verify', '-CAfile', 'bundle.pem', '-purpose', 'sslclient', 'bundle.pem');
    assert.equal(check.status, 0, check.stderr);
  });

  test('a certificate issued from a CSR has no key in its bundle and no PKCS#12', async () => {
    const text = await (await bundle(fromCsrId)).text();
    assert.doesNotMatch(text, /PRIVATE KEY/);
    const p12 = await bundle(fromCsrId, { method: 'POST', body: { password: 'pw' } });
    assert.equal(p12.status, 400);
    assert.match(await p12.text(), /issued from a CSR/);
  });

  for (const profile of ['compatible', 'modern']) {
    test(`a ${profile} PKCS#12 opens with its password only`, async () => {
      const res = await bundle(generatedId, {
        method: 'POST',
        body: { format: 'p12', password: 'correct horse', profile },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/x-pkcs12');
      writeFileSync(join(dir, `${profile}.p12`), Buffer.from(await res.arrayBuffer()));
      const good = openssl(
        'pkcs12',
        '-in',
        `${profile}.p12`,
        '-passin',
        'pass:correct horse',
        '-nodes',
      );
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stdout, /BEGIN PRIVATE KEY/);
      assert.match(good.stdout, /friendlyName: phone 7/);
      const bad = openssl('pkcs12', '-in', `${profile}.p12`, '-passin', 'pass:wrong', '-nodes');
      assert.notEqual(bad.status, 0);
    });
  }

  test('refuses a PKCS#12 without a password, and one asked for in a query string', async () => {
    const empty = await bundle(generatedId, { method: 'POST', body: { password: '' } });
    assert.equal(empty.status, 400);
    const body = (await empty.json()) as { errors: { code: number; source: object }[] };
    assert.equal(body.errors[0]!.code, 1450);
    assert.deepEqual(body.errors[0]!.source, { pointer: '/password' });
    const viaGet = await bundle(generatedId, { query: '?format=p12' });
    assert.equal(viaGet.status, 400);
    assert.match(await viaGet.text(), /needs a password/);
  });
});
