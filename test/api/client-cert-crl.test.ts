import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureManagedCa, signingAuthority } from '../../src/api/managed-ca.ts';
import { buildCrl, parseCrl, type SigningAuthority } from '../../src/pki/index.ts';
import type { CertificateAuthority } from '../../src/store/index.ts';
import { startCertApi, type CertApi } from './client-cert-harness.ts';

describe("the managed CA's published CRL", () => {
  let api: CertApi;
  let ca: CertificateAuthority;
  let authority: SigningAuthority;
  before(async () => {
    api = await startCertApi();
    ca = await api.store.transaction((tx) => ensureManagedCa(tx, api.accountId, api.masterKey));
    authority = await signingAuthority(ca, api.masterKey);
  });
  after(() => api.close());

  const published = async () => {
    const res = await fetch(`${api.origin}/crl/${ca.id}.crl`);
    assert.equal(res.status, 200);
    return parseCrl(new Uint8Array(await res.arrayBuffer()), authority.certificateDer);
  };

  test('is built on first request and then served as stored', async () => {
    const first = await published();
    assert.equal(first.crlNumber, 1n);
    assert.equal(first.entries.length, 0);
    const again = await published();
    assert.equal(again.crlNumber, 1n);
    assert.equal((await api.store.getCertificateAuthority(ca.id))?.crlNumber, 1);
  });

  test('is rebuilt with the next number when it is about to expire', async () => {
    const now = Date.now();
    const stale = await buildCrl({
      authority,
      entries: [],
      crlNumber: 7,
      thisUpdate: new Date(now - 6 * 86_400_000),
      nextUpdate: new Date(now + 3_600_000),
    });
    await api.store.updateCertificateAuthority(ca.id, { crlNumber: 7, crlDer: stale.der });
    const fresh = await published();
    assert.equal(fresh.crlNumber, 8n);
    assert.ok(fresh.nextUpdate!.getTime() > now + 6 * 86_400_000);
  });

  test('is published for managed CAs only', async () => {
    const res = await fetch(`${api.origin}/crl/${ca.id}.der`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { errors: { message: string }[] };
    assert.match(body.errors[0]!.message, /\/crl\/<ca id>\.crl or \.pem/);
  });
});
