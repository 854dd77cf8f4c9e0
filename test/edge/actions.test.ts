import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { edgeRequest, issueIdentity, startEdgeHarness, type EdgeHarness } from '../helpers/edge.ts';
import { X509Certificate } from 'node:crypto';
import { ECHO_ORIGIN_URL } from '../../src/edge/echo-origin.ts';
import { buildCrl, decodePem, importPrivateKey } from '../../src/pki/index.ts';
import { opensslCa, opensslDir, opensslLeaf } from '../helpers/openssl.ts';

describe('edge: rule actions and firewall events', () => {
  let h: EdgeHarness;
  before(async () => {
    h = await startEdgeHarness();
  });
  after(() => h.close());

  const settle = async () => {
    await h.edge.waitForVersion(await h.store.configVersion());
  };

  test('a block records an event with the rule, the reason and the ray id', async () => {
    await settle();
    const res = await edgeRequest(h, { path: '/orders?x=1' });
    assert.equal(res.status, 403);
    await h.events.flush();
    const [event] = (await h.store.queryEvents({ zoneId: h.zone.id, action: 'block' })).items;
    const rules = await h.store.listRules(h.zone.id);
    assert.ok(event);
    assert.equal(event.rayId, res.headers['cf-ray']);
    assert.equal(event.ruleId, rules[0]?.id);
    assert.equal(event.reason, 'no_certificate');
    assert.equal(event.host, 'api.example.com');
    assert.equal(event.path, '/orders');
    assert.equal(event.method, 'GET');
    assert.equal(event.clientIp, '127.0.0.1');
  });

  test('a log rule records and lets evaluation go on; a skip rule ends it', async () => {
    const device = await issueIdentity(h, 'logged-device');
    const log = await h.store.createRule({
      zoneId: h.zone.id,
      action: 'log',
      expression: 'http.request.uri.path eq "/audit"',
      position: 0,
    });
    await settle();
    const blocked = await edgeRequest(h, { path: '/audit' });
    assert.equal(blocked.status, 403, 'the block after the log rule still applies');
    const passed = await edgeRequest(h, { path: '/audit', identity: device });
    assert.equal(passed.status, 200);
    await h.events.flush();
    const logged = await h.store.queryEvents({ zoneId: h.zone.id, ruleId: log.id });
    assert.equal(logged.items.length, 2);
    assert.deepEqual(new Set(logged.items.map((e) => e.action)), new Set(['log']));
    const withCert = logged.items.find((e) => e.certSerial !== null);
    assert.equal(withCert?.certSerial, device.record?.serialNumber);
    assert.equal(withCert?.certFingerprint, device.record?.fingerprintSha256);

    await h.store.createRule({
      zoneId: h.zone.id,
      action: 'skip',
      expression: 'http.request.uri.path eq "/public"',
      position: 0,
    });
    await settle();
    assert.equal((await edgeRequest(h, { path: '/public' })).status, 200);
  });

  test('a block rule can answer with its own status, body and content type', async () => {
    await h.store.createRule({
      zoneId: h.zone.id,
      action: 'block',
      expression: 'http.request.uri.path eq "/teapot"',
      position: 0,
      actionParameters: {
        response: {
          status_code: 418,
          content: '{"teapot":true}',
          content_type: 'application/json',
        },
      },
    });
    await settle();
    const res = await edgeRequest(h, { path: '/teapot' });
    assert.equal(res.status, 418);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(res.json(), { teapot: true });
  });

  test('a disabled rule does nothing', async () => {
    const rule = await h.store.createRule({
      zoneId: h.zone.id,
      action: 'block',
      expression: 'http.host eq "www.example.com"',
      enabled: false,
    });
    await settle();
    assert.equal((await edgeRequest(h, { host: 'www.example.com' })).status, 200);
    await h.store.updateRule(rule.id, { enabled: true });
    await settle();
    assert.equal((await edgeRequest(h, { host: 'www.example.com' })).status, 403);
  });
});

describe('edge: rules that use named lists', () => {
  let h: EdgeHarness;
  before(async () => {
    h = await startEdgeHarness();
  });
  after(() => h.close());

  test('a rule with $list is enforced, and a change to the list alone applies', async () => {
    const list = await h.store.createList({
      accountId: h.zone.accountId,
      name: 'blocked_clients',
      kind: 'ip',
    });
    await h.store.addListItems(list.id, [{ value: '10.9.9.9' }]);
    await h.store.createRule({
      zoneId: h.zone.id,
      action: 'block',
      expression: 'http.host eq "www.example.com" and ip.src in $blocked_clients',
      position: 0,
    });
    await h.edge.waitForVersion(await h.store.configVersion());
    assert.equal((await edgeRequest(h, { host: 'www.example.com' })).status, 200);

    await h.store.addListItems(list.id, [{ value: '127.0.0.0/8' }]);
    await h.edge.waitForVersion(await h.store.configVersion());
    assert.equal((await edgeRequest(h, { host: 'www.example.com' })).status, 403);
  });
});

describe('edge: an uploaded CA and its CRL', () => {
  let h: EdgeHarness;
  before(async () => {
    h = await startEdgeHarness();
  });
  after(() => h.close());

  test('an uploaded CA certificate is accepted, and its CRL entry blocks it', async () => {
    const o = opensslDir('portcullis-partner-');
    const ca = opensslCa(o, 'Partner CA');
    const device = opensslLeaf(
      o,
      '/CN=partner device',
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n',
    );
    const uploaded = await h.store.createCertificateAuthority({
      accountId: h.zone.accountId,
      kind: 'uploaded',
      name: 'Partner CA',
      certificatePem: ca.cert,
      sealedPrivateKey: null,
    });
    await h.store.createHost({
      zoneId: h.zone.id,
      hostname: 'partner.example.com',
      origin: ECHO_ORIGIN_URL,
      mtlsEnabled: true,
      certificateAuthorityId: uploaded.id,
    });
    await h.edge.waitForVersion(await h.store.configVersion());
    const call = () => edgeRequest(h, { host: 'partner.example.com', identity: device });
    assert.equal((await call()).status, 200);

    const keys = await importPrivateKey(ca.key);
    const crl = await buildCrl({
      authority: {
        certificateDer: decodePem(ca.cert, 'CERTIFICATE', 'ca'),
        privateKey: keys.privateKey,
      },
      entries: [
        { serialNumber: new X509Certificate(device.cert).serialNumber, revokedAt: new Date() },
      ],
      crlNumber: 1,
    });
    await h.store.updateCertificateAuthority(uploaded.id, { crlDer: crl.der, crlNumber: 1 });
    await h.edge.waitForVersion(await h.store.configVersion());
    const res = await call();
    assert.equal(res.status, 403);
    assert.equal((res.json() as { error: { reason: string } }).error.reason, 'revoked');
  });
});
