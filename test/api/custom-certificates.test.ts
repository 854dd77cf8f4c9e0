import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { opensslCa, opensslDir, opensslLeaf } from '../helpers/openssl.ts';

/** A server certificate for `name` and its key, from a throwaway CA. */
function serverCertificate(name: string) {
  const o = opensslDir('portcullis-custom-');
  opensslCa(o, 'Custom Test CA');
  const leaf = opensslLeaf(o, `/CN=${name}`, `subjectAltName=DNS:${name}\n`);
  return { certificate: leaf.cert, private_key: leaf.key };
}

describe('custom certificates API', () => {
  let api: TestApi;
  let zoneId: string;
  before(async () => {
    api = await startTestApi();
    zoneId = (await api.store.createZone({ accountId: api.accountId, name: 'example.com' })).id;
  });
  after(() => api.close());

  const call = (method: string, path: string, payload?: unknown) =>
    api.app.inject({
      method: method as 'GET',
      url: `/client/v4/zones/${zoneId}/custom_certificates${path}`,
      headers: { authorization: `Bearer ${api.token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  test('uploads, lists, edits and deletes a certificate, never returning its key', async () => {
    const upload = serverCertificate('api.example.com');
    const created = await call('POST', '', { ...upload, bundle_method: 'force' });
    assert.equal(created.statusCode, 200, created.body);
    const cert = created.json().result;
    assert.deepEqual(cert.hosts, ['api.example.com']);
    assert.equal(cert.status, 'active');
    assert.equal(cert.bundle_method, 'force');
    assert.equal(cert.zone_id, zoneId);
    assert.doesNotMatch(created.body, /PRIVATE KEY/);
    const stored = await api.store.getCustomCertificate(cert.id);
    assert.doesNotMatch(Buffer.from(stored!.sealedPrivateKey).toString('latin1'), /BEGIN/);

    const list = await call('GET', '?page=1&per_page=20');
    assert.deepEqual(
      list.json().result.map((c: { id: string }) => c.id),
      [cert.id],
    );
    assert.deepEqual((await call('GET', '?page=2&per_page=20')).json().result, []);

    const edited = await call('PATCH', `/${cert.id}`, { priority: 7 });
    assert.equal(edited.json().result.priority, 7);
    assert.equal((await call('DELETE', `/${cert.id}`)).json().result.id, cert.id);
    assert.equal((await call('GET', `/${cert.id}`)).statusCode, 404);
  });

  test('refuses a key that does not belong to the certificate, and stores nothing', async () => {
    const a = serverCertificate('a.example.com');
    const b = serverCertificate('b.example.com');
    const res = await call('POST', '', { certificate: a.certificate, private_key: b.private_key });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().errors[0].message, /does not belong to certificate/);
    assert.equal((await api.store.listCustomCertificates(zoneId)).length, 0);
    const half = await call('PATCH', '/x', { certificate: a.certificate });
    assert.equal(half.statusCode, 400);
  });
});
