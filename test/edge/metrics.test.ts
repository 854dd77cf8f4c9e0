import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  edgeRequest,
  foreignIdentity,
  issueIdentity,
  sendRaw,
  startEdgeHarness,
  type EdgeHarness,
} from '../helpers/edge.ts';

describe('edge: metrics', () => {
  let h: EdgeHarness;
  before(async () => {
    h = await startEdgeHarness();
  });
  after(() => h.close());

  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = await h.registry.getSingleMetric(name)?.get();
    const match = metric?.values.find((v) =>
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
    );
    return match?.value ?? 0;
  };

  test('count requests, handshakes and verifications, with bounded labels', async () => {
    const device = await issueIdentity(h, 'metrics-device');
    await h.edge.waitForVersion(await h.store.configVersion());
    for (let i = 0; i < 3; i++) await edgeRequest(h);
    for (let i = 0; i < 2; i++) await edgeRequest(h, { identity: device });
    await edgeRequest(h, { identity: foreignIdentity() });
    await sendRaw(h, Buffer.from('plain text, not TLS\r\n'));

    const host = { host: 'api.example.com', zone: h.zone.id };
    assert.equal(
      await value('portcullis_edge_requests_total', {
        ...host,
        action: 'block',
        reason: 'no_certificate',
      }),
      3,
    );
    assert.equal(
      await value('portcullis_edge_requests_total', {
        ...host,
        action: 'allow',
        reason: 'verified',
      }),
      2,
    );
    assert.equal(
      await value('portcullis_edge_requests_total', {
        ...host,
        action: 'block',
        reason: 'unknown_ca',
      }),
      1,
    );
    assert.equal(
      await value('portcullis_edge_client_certificate_verifications_total', { result: 'verified' }),
      2,
    );
    assert.equal(await value('portcullis_edge_tls_handshakes_total', { result: 'ok' }), 6);
    assert.equal(await value('portcullis_edge_tls_handshakes_total', { result: 'not_tls' }), 1);
    assert.equal(await value('portcullis_edge_config_version'), h.edge.appliedVersion);

    const text = await h.registry.metrics();
    assert.doesNotMatch(text, new RegExp(device.record!.serialNumber, 'i'));
    assert.doesNotMatch(text, /127\.0\.0\.1|\/hello/);
  });
});
