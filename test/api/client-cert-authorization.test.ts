import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { hashTokenSecret } from '../../src/api/tokens.ts';
import type { RouteNeed } from '../../src/api/route-guard.ts';
import { createManagedCa } from '../../src/pki/index.ts';
import type { TokenPolicy } from '../../src/store/index.ts';
import { deviceCsr, startCertApi, type CertApi } from './client-cert-harness.ts';

interface Route {
  method: string;
  url: string;
  need: RouteNeed | undefined;
}

const PREFIX = '/client/v4';

/** Every certificate route refuses tokens without `ssl` or for another place, changing nothing. */
describe('authorization of the certificate routes', () => {
  let api: CertApi;
  const routes: Route[] = [];
  const ids: Record<string, string> = {};
  const secrets: Record<string, string> = {};

  const token = async (name: string, policies: TokenPolicy[]) => {
    secrets[name] = `secret-${name.replace(/ /g, '-')}`;
    await api.store.createApiToken({ name, secretHash: hashTokenSecret(secrets[name]), policies });
  };
  const call = (name: string, route: Route) =>
    api.app.inject({
      method: route.method as 'GET',
      url: route.url.replace(/:([a-z_]+)/g, (_m, p: string) => ids[p] ?? `no-${p}`),
      headers: { authorization: `Bearer ${secrets[name]}` },
      ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
    });
  const sslRoutes = () =>
    routes.filter((r) => typeof r.need === 'object' && r.need.resource === 'ssl');

  before(async () => {
    api = await startCertApi({
      onRoute: (r: RouteOptions) => {
        const methods = Array.isArray(r.method) ? r.method : [r.method];
        for (const method of methods) {
          if (method !== 'HEAD') routes.push({ method, url: r.url, need: r.config?.need });
        }
      },
    });
    const other = await api.store.createZone({ accountId: api.accountId, name: 'other.test' });
    ids.zone_id = api.zone.id;
    ids.account_id = api.accountId;
    const { csrPem } = await deviceCsr('authz');
    const cert = await api.client.clientCertificates.create({
      zone_id: api.zone.id,
      csr: csrPem,
      validity_days: 5,
    });
    ids.client_certificate_id = cert.id!;
    const ca = await createManagedCa({ accountId: 'uploaded' });
    const uploaded = await api.client.mtlsCertificates.create({
      account_id: api.accountId,
      ca: true,
      certificates: ca.certificatePem,
    });
    ids.mtls_certificate_id = uploaded.id!;
    const custom = await api.store.createCustomCertificate({
      zoneId: api.zone.id,
      certificatePem: ca.certificatePem,
      sealedPrivateKey: new Uint8Array([1]),
      hosts: ['api.example.com'],
      issuer: 'CN=Test',
      signature: 'ECDSAWithSHA256',
      bundleMethod: 'ubiquitous',
      priority: 0,
      expiresOn: '2099-01-01T00:00:00Z',
    });
    ids.custom_certificate_id = custom.id;

    const everything = ['*'];
    await token('other zone', [
      { effect: 'allow', scopes: [`zone:${other.id}`], permissions: everything },
    ]);
    await token('no ssl', [
      {
        effect: 'allow',
        scopes: ['*'],
        permissions: ['account:edit', 'zone:edit', 'host:edit', 'firewall:edit', 'lists:edit'],
      },
    ]);
    await token('ssl read', [{ effect: 'allow', scopes: ['*'], permissions: ['ssl:read'] }]);
  });
  after(() => api.close());

  test('every certificate route needs ssl', () => {
    const urls = sslRoutes().map((r) => `${r.method} ${r.url}`);
    assert.ok(urls.length >= 17, urls.join('\n'));
    for (const part of [
      'client_certificates',
      'mtls_certificates',
      'hostname_associations',
      '/bundle',
      '/crl',
      '/generate',
      'certificate_authorities/managed',
    ]) {
      assert.ok(
        urls.some((u) => u.includes(part)),
        `no route with ${part}`,
      );
    }
  });

  const refused = (name: string, applies: (r: Route) => boolean) => async () => {
    const version = await api.store.configVersion();
    const audit = (await api.store.listAudit({ accountId: api.accountId })).total;
    for (const route of sslRoutes().filter(applies)) {
      const res = await call(name, route);
      const label = `${name}: ${route.method} ${route.url} answered ${res.statusCode}`;
      assert.equal(res.statusCode, 403, label);
      assert.equal(res.json().errors[0].code, 1002, label);
    }
    assert.equal(await api.store.configVersion(), version);
    assert.equal((await api.store.listAudit({ accountId: api.accountId })).total, audit);
  };

  test(
    'a token without ssl is refused everywhere',
    refused('no ssl', () => true),
  );
  test(
    'a token for another zone is refused everywhere',
    refused('other zone', () => true),
  );
  test(
    'an ssl:read token is refused every change',
    refused('ssl read', (r) => typeof r.need === 'object' && r.need.access === 'edit'),
  );

  test('an ssl:read token reads every reading route', async () => {
    const reads = sslRoutes().filter((r) => typeof r.need === 'object' && r.need.access === 'read');
    assert.equal(reads.length, 9);
    for (const route of reads) {
      const res = await call('ssl read', route);
      assert.equal(res.statusCode, 200, `${route.method} ${route.url}: ${res.body}`);
    }
  });

  test('the CRL needs no token at all', async () => {
    const managed = await api.client.clientCertificates.get(ids.client_certificate_id!, {
      zone_id: api.zone.id,
    });
    const res = await api.app.inject({ url: `/crl/${managed.certificate_authority!.id}.crl` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/pkix-crl');
    assert.ok(routes.some((r) => r.url === '/crl/:file' && !r.url.startsWith(PREFIX)));
  });
});
