/**
 * Portcullis in the edge benchmark: `portcullis serve` on a new data directory (which makes
 * the demo zone, host, client certificate and mTLS rule), the demo host pointed at the shared
 * origin through the API, and the key material that nginx needs to be the same proxy: the
 * managed CA that signed the client certificate, its CRL, and a server certificate from the
 * edge CA.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EdgeCertificates } from '../../src/edge/server-certificates.ts';
import {
  buildCrl,
  decodePem,
  importPrivateKey,
  openPrivateKey,
  PemLabel,
  type RevokedEntry,
  type SigningAuthority,
} from '../../src/pki/index.ts';
import { waitForPort } from './nginx.ts';
import { start, type Started } from './processes.ts';

/** The demo's names, as `portcullis serve` creates them. */
export const DEMO_ZONE = 'example.com';
export const DEMO_HOST = 'api.example.com';

export interface PortcullisOptions {
  repoRoot: string;
  dataDir: string;
  apiPort: number;
  edgePort: number;
  /** Edge worker processes (PORTCULLIS_EDGE_WORKERS); the same number nginx gets. */
  workers: number;
  /** Extra node flags, such as `--cpu-prof`. */
  nodeArgs?: readonly string[];
}

/** A running `portcullis serve` and the handles the benchmark uses. */
export interface Portcullis {
  readonly process: Started;
  readonly token: string;
  readonly masterKey: Uint8Array;
  readonly apiUrl: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
}

export interface ApiAnswer<T> {
  status: number;
  success: boolean;
  result: T;
  errors: unknown[];
}

/** Starts `portcullis serve` and waits until both its API and its edge accept connections. */
export async function startPortcullis(o: PortcullisOptions): Promise<Portcullis> {
  const token = randomBytes(24).toString('base64url');
  const masterKey = new Uint8Array(randomBytes(32));
  const env = {
    ...process.env,
    PORTCULLIS_ADMIN_TOKEN: token,
    PORTCULLIS_MASTER_KEY: Buffer.from(masterKey).toString('hex'),
    PORTCULLIS_EDGE_WORKERS: String(o.workers),
    PORTCULLIS_LOG_LEVEL: 'warn',
  };
  const args = [
    ...(o.nodeArgs ?? []),
    join(o.repoRoot, 'bin', 'portcullis.mjs'),
    'serve',
    '--data-dir',
    o.dataDir,
    '--api-listen',
    `127.0.0.1:${o.apiPort}`,
    '--edge-listen',
    `127.0.0.1:${o.edgePort}`,
  ];
  const serve = start('portcullis', process.execPath, args, { cwd: o.repoRoot, env });
  await waitForPort(o.apiPort, serve, 60_000);
  await waitForPort(o.edgePort, serve, 60_000);
  const apiUrl = `http://127.0.0.1:${o.apiPort}/client/v4`;
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: Partial<ApiAnswer<T>> = {};
    try {
      parsed = JSON.parse(text) as ApiAnswer<T>;
    } catch {
      // Not an envelope (a 404 from an unknown route may be plain).
    }
    return {
      status: res.status,
      success: parsed.success ?? false,
      result: parsed.result as T,
      errors: parsed.errors ?? [text],
    };
  };
  return { process: serve, token, masterKey, apiUrl, api };
}

/** The demo zone and host ids, found through the API. */
export interface DemoIds {
  zoneId: string;
  hostId: string;
}

/** Points the demo host at `origin` (the shared origin) and returns the ids. */
export async function pointDemoAt(p: Portcullis, origin: string): Promise<DemoIds> {
  const zones = await p.api<{ id: string }[]>('GET', `/zones?name=${DEMO_ZONE}`);
  const zoneId = zones.result?.[0]?.id;
  if (!zoneId) throw new Error(`finding zone ${DEMO_ZONE}: ${JSON.stringify(zones.errors)}`);
  const hosts = await p.api<{ id: string; hostname: string }[]>('GET', `/zones/${zoneId}/hosts`);
  const hostId = hosts.result?.find((h) => h.hostname === DEMO_HOST)?.id;
  if (!hostId) throw new Error(`finding host ${DEMO_HOST}: ${JSON.stringify(hosts.errors)}`);
  const patched = await p.api('PATCH', `/zones/${zoneId}/hosts/${hostId}`, { origin });
  if (!patched.success) {
    throw new Error(`pointing ${DEMO_HOST} at ${origin}: ${JSON.stringify(patched.errors)}`);
  }
  return { zoneId, hostId };
}

/** What nginx needs to be the same proxy, written into `dir`, and a way to revoke for it. */
export interface SharedMaterial {
  clientCertPath: string;
  clientKeyPath: string;
  /** The edge CA, which issued both proxies' server certificates. */
  edgeCaPath: string;
  /** The demo client certificate: its API id and serial (uppercase hex). */
  clientCertId: string;
  clientSerial: string;
  /** Writes the managed CA's CRL to `<dir>/client-ca.crl` with these serials revoked. */
  writeCrl(revokedSerials: readonly string[]): Promise<void>;
}

/**
 * Reads the managed CA (certificate and sealed key) and the demo client certificate from the
 * database, and writes nginx's files into `dir`: `client-ca.pem`, `client-ca.crl` (built by
 * Portcullis's own CRL code and signed by the managed CA's key, as the CRL that Portcullis
 * publishes), and `server.pem` / `server.key` for api.example.com from the edge CA.
 */
export async function shareMaterial(
  p: Portcullis,
  dataDir: string,
  dir: string,
): Promise<SharedMaterial> {
  const db = new Database(join(dataDir, 'portcullis.db'), { readonly: true, fileMustExist: true });
  let ca: { certificate_pem: string; sealed_private_key: Buffer };
  let cert: { id: string; serial_number: string };
  try {
    ca = db
      .prepare(
        "SELECT certificate_pem, sealed_private_key FROM certificate_authorities WHERE kind = 'managed'",
      )
      .get() as typeof ca;
    cert = db
      .prepare('SELECT id, serial_number FROM client_certificates ORDER BY seq LIMIT 1')
      .get() as typeof cert;
  } finally {
    db.close();
  }
  if (!ca || !cert) throw new Error(`${dataDir}: the demo's managed CA or certificate is missing`);

  const keys = await importPrivateKey(
    openPrivateKey(new Uint8Array(ca.sealed_private_key), p.masterKey),
  );
  const authority: SigningAuthority = {
    certificateDer: decodePem(ca.certificate_pem, PemLabel.CERTIFICATE, 'the managed CA'),
    privateKey: keys.privateKey,
  };
  writeFileSync(join(dir, 'client-ca.pem'), ca.certificate_pem);
  let crlNumber = 1;
  const writeCrl = async (serials: readonly string[]) => {
    const entries: RevokedEntry[] = serials.map((s) => ({
      serialNumber: s,
      revokedAt: new Date(),
    }));
    const crl = await buildCrl({ authority, entries, crlNumber: crlNumber++ });
    writeFileSync(join(dir, 'client-ca.crl'), crl.pem);
  };
  await writeCrl([]);

  const edge = await EdgeCertificates.load(dataDir, p.masterKey);
  const server = await edge.forHost(DEMO_HOST);
  writeFileSync(join(dir, 'server.pem'), server.certificatePem);
  writeFileSync(join(dir, 'server.key'), server.privateKeyPem, { mode: 0o600 });

  return {
    clientCertPath: join(dataDir, 'demo', 'client.pem'),
    clientKeyPath: join(dataDir, 'demo', 'client.key'),
    edgeCaPath: join(dataDir, 'edge-ca.pem'),
    clientCertId: cert.id,
    clientSerial: cert.serial_number.toUpperCase(),
    writeCrl,
  };
}
