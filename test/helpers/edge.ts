import { mkdtempSync } from 'node:fs';
import type { Agent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import { connect as http2Connect } from 'node:http2';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { bootstrap } from '../../src/api/bootstrap.ts';
import { ensureManagedCa, issueAndStore, signingAuthority } from '../../src/api/managed-ca.ts';
import { startEchoOrigin, ECHO_ORIGIN_URL } from '../../src/edge/echo-origin.ts';
import { EdgeServer } from '../../src/edge/edge-server.ts';
import { EdgeCertificates } from '../../src/edge/server-certificates.ts';
import { EventBuffer } from '../../src/events/event-buffer.ts';
import { opensslCa, opensslDir, opensslLeaf } from './openssl.ts';
import {
  exportPrivateKeyDer,
  exportPrivateKeyPem,
  generateKeyAndCsr,
  issueClientCertificate,
} from '../../src/pki/index.ts';
import {
  SqliteStore,
  type ClientCertificate,
  type Store,
  type Zone,
} from '../../src/store/index.ts';

/** A client identity: certificate and key, PEM. */
export interface Identity {
  cert: string;
  key: string;
  record?: ClientCertificate;
}

export interface EdgeHarness {
  store: Store;
  edge: EdgeServer;
  events: EventBuffer;
  zone: Zone;
  masterKey: Uint8Array;
  /** The edge's metrics. */
  registry: Registry;
  /** PEM of the edge CA, for clients to trust. */
  edgeCa: string;
  dir: string;
  port: number;
  /** The echo origin the hosts forward to. */
  echoUrl: string;
  close(): Promise<void>;
}

/**
 * A real edge on an in-memory store: zone example.com with `api.example.com` (mTLS, managed
 * CA) and `www.example.com` (no mTLS), both in front of the echo origin, and the seed's rule.
 */
export async function startEdgeHarness(
  options: { keepLocalCopy?: boolean; pollIntervalMs?: number } = {},
): Promise<EdgeHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-edge-'));
  const store = SqliteStore.open({ path: ':memory:' });
  const boot = await bootstrap(store);
  const masterKey = new Uint8Array(randomBytes(32));
  const zone = await store.transaction(async (tx) => {
    const z = await tx.createZone({ accountId: boot.account.id, name: 'example.com' });
    await ensureManagedCa(tx, boot.account.id, masterKey);
    for (const [hostname, mtlsEnabled] of [
      ['api.example.com', true],
      ['www.example.com', false],
    ] as const) {
      await tx.createHost({ zoneId: z.id, hostname, origin: ECHO_ORIGIN_URL, mtlsEnabled });
    }
    await tx.createRule({
      zoneId: z.id,
      action: 'block',
      expression: '(http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified)',
    });
    await tx.createRule({
      zoneId: z.id,
      action: 'block',
      expression: 'cf.tls_client_auth.cert_revoked',
    });
    return z;
  });
  const echo = await startEchoOrigin();
  const registry = new Registry();
  const certificates = await EdgeCertificates.load(dir, masterKey);
  const events = new EventBuffer({ write: (b) => store.insertEvents(b), flushIntervalMs: 50 });
  const edge = await EdgeServer.start(
    {
      store,
      logger: pino({ level: 'silent' }),
      certificates,
      events,
      passSampleRate: 1,
      registry,
      forwarder: { overrides: new Map([['echo.portcullis.internal:80', echo.url]]) },
      pollIntervalMs: options.pollIntervalMs,
      localCopy: options.keepLocalCopy ? join(dir, 'edge-configuration.json') : undefined,
    },
    '127.0.0.1',
    0,
  );
  return {
    store,
    edge,
    events,
    zone,
    masterKey,
    edgeCa: certificates.caPem,
    registry,
    dir,
    port: edge.port,
    echoUrl: echo.url,
    close: async () => {
      await edge.close(100);
      await events.close();
      await new Promise((r) => echo.server.close(r));
      await store.close();
    },
  };
}

/** Issues a client certificate from the zone's managed CA, valid from `now`. */
export async function issueIdentity(
  h: EdgeHarness,
  commonName: string,
  options: { now?: Date; validityDays?: number } = {},
): Promise<Identity> {
  const generated = await generateKeyAndCsr({ commonName });
  if (options.now) {
    const ca = await h.store.transaction((tx) =>
      ensureManagedCa(tx, h.zone.accountId, h.masterKey),
    );
    const issued = await issueClientCertificate({
      csr: generated.csr,
      authority: await signingAuthority(ca, h.masterKey),
      validityDays: options.validityDays ?? 1,
      now: options.now,
    });
    return { cert: issued.certificatePem, key: generated.privateKeyPem };
  }
  const record = await h.store.transaction(async (tx) =>
    issueAndStore(tx, {
      zone: h.zone,
      csr: generated.csr,
      validityDays: options.validityDays ?? 30,
      masterKey: h.masterKey,
      generatedKey: await exportPrivateKeyDer(generated.keys.privateKey),
    }),
  );
  return { cert: record.certificatePem, key: generated.privateKeyPem, record };
}

/** A certificate signed by the managed CA's key with openssl and the given extensions. */
export async function issueWithOpenssl(h: EdgeHarness, extensions: string): Promise<Identity> {
  const ca = await h.store.transaction((tx) => ensureManagedCa(tx, h.zone.accountId, h.masterKey));
  const authority = await signingAuthority(ca, h.masterKey);
  const o = opensslDir();
  o.write('ca.pem', ca.certificatePem);
  o.write('ca.key', await exportPrivateKeyPem(authority.privateKey));
  return opensslLeaf(o, '/CN=openssl leaf', extensions);
}

/** A CA and a client certificate that nothing in Portcullis trusts. */
export function foreignIdentity(): Identity {
  const o = opensslDir('portcullis-foreign-');
  opensslCa(o, 'Foreign CA');
  return opensslLeaf(
    o,
    '/CN=openssl leaf',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
}

export interface EdgeAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

export interface RequestOptions {
  servername?: string;
  host?: string;
  path?: string;
  identity?: Identity;
  headers?: Record<string, string>;
  agent?: Agent;
  tls?: SecureContextOptions & { maxVersion?: 'TLSv1.2' | 'TLSv1.3' };
}

/** One HTTPS/1.1 request to the edge. */
export function edgeRequest(h: EdgeHarness, o: RequestOptions = {}): Promise<EdgeAnswer> {
  const host = o.host ?? 'api.example.com';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: h.port,
        path: o.path ?? '/hello',
        servername: o.servername ?? host,
        headers: { host, ...o.headers },
        ca: h.edgeCa,
        ...(o.identity ? { cert: o.identity.cert, key: o.identity.key } : {}),
        ...(o.tls ?? {}),
        agent: o.agent ?? false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** One HTTP/2 request to the edge. */
export function edgeRequestH2(h: EdgeHarness, o: RequestOptions = {}): Promise<EdgeAnswer> {
  const host = o.host ?? 'api.example.com';
  return new Promise((resolve, reject) => {
    const session = http2Connect(`https://127.0.0.1:${h.port}`, {
      servername: o.servername ?? host,
      ca: h.edgeCa,
      ...(o.identity ? { cert: o.identity.cert, key: o.identity.key } : {}),
    });
    session.on('error', reject);
    const stream = session.request({
      ':path': o.path ?? '/hello',
      ':authority': host,
      ...o.headers,
    });
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    let body = '';
    stream.on('response', (hs) => {
      status = Number(hs[':status']);
      headers = hs as typeof headers;
    });
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => {
      session.close();
      resolve({ status, headers, body, json: () => JSON.parse(body) as Record<string, unknown> });
    });
    stream.on('error', reject);
  });
}

/** Sends raw bytes to the edge and resolves when it closes the connection. */
export function sendRaw(h: EdgeHarness, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = netConnect(h.port, '127.0.0.1', () => s.write(bytes));
    s.on('data', () => {});
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
}
