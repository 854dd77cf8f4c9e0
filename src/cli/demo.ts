import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { issueAndStore } from '../api/managed-ca.ts';
import { ECHO_ORIGIN_URL } from '../edge/echo-origin.ts';
import { exportPrivateKeyDer, generateKeyAndCsr } from '../pki/index.ts';
import type { Store } from '../store/index.ts';

/** The demo's zone and host, as DESIGN.md's flow names them. */
export const DEMO_ZONE = 'example.com';
export const DEMO_HOST = 'api.example.com';
/** Where the demo client certificate and key are written, inside the data directory. */
export const DEMO_DIR = 'demo';

/** The seed's mTLS rule, as the dashboard's "Create a mTLS rule" writes it. */
export const DEMO_RULE = `(http.host in {"${DEMO_HOST}"} and not cf.tls_client_auth.cert_verified)`;

/** Blocks revoked certificates, which the mTLS rule alone lets through. */
export const DEMO_REVOCATION_RULE = 'cf.tls_client_auth.cert_revoked';

/**
 * Sets up the demo in a new data directory, in one transaction: zone `example.com`, host
 * `api.example.com` with mTLS forwarding to the built-in echo origin, a client certificate from
 * the managed CA (its key and certificate written to `<data>/demo/`), the mTLS rule and a
 * rule that blocks revoked certificates.
 */
export async function createDemo(
  store: Store,
  accountId: string,
  dataDir: string,
  masterKey: Uint8Array,
): Promise<void> {
  const generated = await generateKeyAndCsr({
    commonName: 'Portcullis demo device',
    organization: 'Portcullis demo',
  });
  const cert = await store.transaction(async (tx) => {
    const zone = await tx.createZone({ accountId, name: DEMO_ZONE });
    await tx.createHost({
      zoneId: zone.id,
      hostname: DEMO_HOST,
      origin: ECHO_ORIGIN_URL,
      mtlsEnabled: true,
    });
    const issued = await issueAndStore(tx, {
      zone,
      csr: generated.csr,
      validityDays: 365,
      masterKey,
      generatedKey: await exportPrivateKeyDer(generated.keys.privateKey),
    });
    await tx.createRule({
      zoneId: zone.id,
      action: 'block',
      expression: DEMO_RULE,
      description: 'mTLS rule (demo): block api.example.com without a valid client certificate',
    });
    // A revoked certificate is still `cert_verified` (as on Cloudflare); this second rule is
    // what turns a revocation away, so that revoking the demo certificate shows its effect.
    await tx.createRule({
      zoneId: zone.id,
      action: 'block',
      expression: DEMO_REVOCATION_RULE,
      description: 'Revocation rule (demo): block revoked client certificates',
    });
    return issued;
  });
  const dir = join(dataDir, DEMO_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'client.pem'), cert.certificatePem, { mode: 0o644 });
  await writeFile(join(dir, 'client.key'), generated.privateKeyPem, { mode: 0o600 });
}

/** Whether the demo's files are there, so its curl lines can be printed. */
export function demoExists(dataDir: string): boolean {
  return existsSync(join(dataDir, DEMO_DIR, 'client.pem'));
}

/**
 * The curl lines that show the demo: 403 without the certificate, 200 with it. `edgeCa` is the
 * edge CA's file; a control plane without an edge names the one in an edge's data directory.
 */
export function demoLines(
  dataDir: string,
  edgePort: number,
  edgeHost: string,
  edgeCa = join(dataDir, 'edge-ca.pem'),
): string[] {
  const resolve = `--resolve ${DEMO_HOST}:${edgePort}:${edgeHost}`;
  const ca = `--cacert ${edgeCa}`;
  const url = `https://${DEMO_HOST}:${edgePort}/hello`;
  const demo = join(dataDir, DEMO_DIR);
  const certs = `--cert ${join(demo, 'client.pem')} --key ${join(demo, 'client.key')}`;
  return [
    `  Demo (zone ${DEMO_ZONE}, host ${DEMO_HOST} with mTLS, in front of a built-in echo origin):`,
    '    Without a client certificate, 403:',
    `      curl -s ${resolve} ${ca} ${url}`,
    '    With the demo certificate, 200 and the request as the origin saw it:',
    `      curl -s ${resolve} ${ca} ${certs} ${url}`,
  ];
}
