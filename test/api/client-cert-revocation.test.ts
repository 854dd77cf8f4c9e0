import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { pino } from 'pino';
import { buildApiServer } from '../../src/api/server.ts';
import { importPrivateKey, type GeneratedCsr } from '../../src/pki/index.ts';
import { createEdgeCa, issueServerCertificate } from '../../src/pki/server-certificate.ts';
import {
  controllable,
  deviceCsr,
  eventually,
  startCertApi,
  type CertApi,
} from './client-cert-harness.ts';

interface ManagedCa {
  id: string;
  certificate: string;
  crl_url: string;
}

/** Completes a TLS handshake with the device's certificate against a server trusting `caPem`. */
async function handshake(caPem: string, device: { cert: string; key: string }) {
  const edgeCa = await createEdgeCa();
  const authority = {
    certificateDer: edgeCa.certificateDer,
    privateKey: (await importPrivateKey(edgeCa.privateKeyPem)).privateKey,
  };
  const serverCert = await issueServerCertificate(authority, ['localhost']);
  const server = tls.createServer({
    key: serverCert.privateKeyPem,
    cert: serverCert.certificatePem,
    ca: [caPem],
    requestCert: true,
    rejectUnauthorized: true,
  });
  const seen = new Promise<{ authorized: boolean; serial: string }>((resolve) =>
    server.once('secureConnection', (socket) => {
      resolve({ authorized: socket.authorized, serial: socket.getPeerCertificate().serialNumber });
      socket.end();
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = tls.connect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: edgeCa.certificatePem,
    cert: device.cert,
    key: device.key,
  });
  client.on('error', () => {});
  try {
    return await seen;
  } finally {
    client.destroy();
    server.close();
  }
}

describe('revoking and restoring a client certificate', () => {
  const gate = controllable();
  const applied: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-crl-'));
  let api: CertApi;
  let device: GeneratedCsr;
  let certId: string;
  let serial: string;
  let ca: ManagedCa;

  const fetchCrl = async (suffix: 'crl' | 'pem' = 'crl') => {
    const res = await fetch(ca.crl_url.replace(/\.crl$/, `.${suffix}`));
    assert.equal(res.status, 200);
    return { type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  };
  const crlText = async () => {
    writeFileSync(join(dir, 'ca.pem'), ca.certificate);
    writeFileSync(join(dir, 'managed.crl'), (await fetchCrl()).body);
    const run = spawnSync(
      'openssl',
      ['crl', '-inform', 'DER', '-in', 'managed.crl', '-text', '-noout', '-CAfile', 'ca.pem'],
      { cwd: dir, encoding: 'utf8' },
    );
    // openssl crl exits 0 even when the signature fails: only its message tells.
    assert.match(run.stderr, /verify OK/);
    return run.stdout;
  };
  const crlNumber = (text: string) => Number(/CRL Number:\s*\n?\s*(\d+)/.exec(text)?.[1]);
  const status = async () =>
    (await api.client.clientCertificates.get(certId, { zone_id: api.zone.id })).status;

  before(async () => {
    api = await startCertApi({
      configApplied: async (version) => {
        applied.push(version);
        await gate.promise;
      },
    });
    device = await deviceCsr('device-revoked');
    const cert = await api.client.clientCertificates.create({
      zone_id: api.zone.id,
      csr: device.csrPem,
      validity_days: 30,
    });
    certId = cert.id!;
    serial = cert.serial_number!;
    const res = await fetch(`${api.baseURL}/zones/${api.zone.id}/certificate_authorities/managed`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    ca = ((await res.json()) as { result: ManagedCa }).result;
  });
  after(async () => {
    gate.resolve();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the issued certificate completes a TLS handshake with a server trusting the CA', async () => {
    const certificate = (await api.client.clientCertificates.get(certId, { zone_id: api.zone.id }))
      .certificate!;
    const seen = await handshake(ca.certificate, { cert: certificate, key: device.privateKeyPem });
    assert.equal(seen.authorized, true);
    assert.equal(seen.serial.toUpperCase(), serial);
    writeFileSync(join(dir, 'device.pem'), certificate);
    const text = execFileSync('openssl', ['x509', '-in', 'device.pem', '-noout', '-text'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.ok(text.includes(`URI:${ca.crl_url}`), 'the certificate names the public CRL');
    assert.match(text, /TLS Web Client Authentication/);
  });

  test('the CRL is public, verifies with the CA and starts empty', async () => {
    const text = await crlText();
    assert.match(text, /No Revoked Certificates/);
    const pem = await fetchCrl('pem');
    assert.equal(pem.type, 'application/x-pem-file');
    assert.match(pem.body.toString(), /^-----BEGIN X509 CRL-----\n/);
    assert.equal((await fetchCrl()).type, 'application/pkix-crl');
    const missing = await fetch(`${api.origin}/crl/nope.crl`);
    assert.equal(missing.status, 404);
  });

  test('revoking answers pending_revocation at once and puts the serial in the CRL', async () => {
    const before = crlNumber(await crlText());
    const revoked = await api.client.clientCertificates.delete(certId, { zone_id: api.zone.id });
    assert.equal(revoked.status, 'pending_revocation');
    assert.equal(await status(), 'pending_revocation');
    const text = await crlText();
    assert.ok(text.includes(`Serial Number: ${serial}`), text);
    assert.ok(crlNumber(text) > before);
    const revokedList = await api.client.clientCertificates.list({
      zone_id: api.zone.id,
      status: 'pending_revocation',
    });
    assert.deepEqual(
      revokedList.result.map((c) => c.id),
      [certId],
    );
  });

  test('the status becomes revoked once the edges serve the change', async () => {
    assert.ok(applied.length > 0, 'waited for the edges');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(await status(), 'pending_revocation');
    gate.resolve();
    await eventually(async () => (await status()) === 'revoked');
  });

  test('PATCH without reactivate changes nothing; reactivate restores', async () => {
    const same = await api.client.clientCertificates.edit(certId, { zone_id: api.zone.id });
    assert.equal(same.status, 'revoked');
    const before = crlNumber(await crlText());
    const restored = await api.client.clientCertificates.edit(certId, {
      zone_id: api.zone.id,
      reactivate: true,
    });
    assert.equal(restored.status, 'pending_reactivation');
    const text = await crlText();
    assert.ok(!text.includes(serial));
    assert.ok(crlNumber(text) > before);
    await eventually(async () => (await status()) === 'active');
  });

  test('revoking twice keeps one revocation and records each change in the audit log', async () => {
    await api.client.clientCertificates.delete(certId, { zone_id: api.zone.id });
    const again = await api.client.clientCertificates.delete(certId, { zone_id: api.zone.id });
    assert.match(again.status!, /revoked|pending_revocation/);
    const audit = await api.store.listAudit({ accountId: api.accountId, perPage: 100 });
    const actions = audit.items
      .filter((e) => e.resourceId === certId)
      .map((e) => e.action)
      .sort();
    assert.deepEqual(actions, ['create', 'reactivate', 'revoke', 'revoke']);
  });
});

describe('a change left pending by a restart', () => {
  test('settles when the API starts again', async () => {
    const api = await startCertApi();
    try {
      const { csrPem } = await deviceCsr('restarted');
      const cert = await api.client.clientCertificates.create({
        zone_id: api.zone.id,
        csr: csrPem,
        validity_days: 5,
      });
      // As if the process stopped between the revocation and the edges taking it.
      await api.store.setClientCertificateStatus(cert.id!, 'pending_revocation');
      const restarted = buildApiServer({
        store: api.store,
        logger: pino({ level: 'silent' }),
        version: '0.0.0-test',
        masterKey: api.masterKey,
      });
      await restarted.ready();
      await eventually(
        async () => (await api.store.getClientCertificate(cert.id!))?.status === 'revoked',
      );
      await restarted.close();
    } finally {
      await api.close();
    }
  });
});
