/**
 * A deployment over several machines, on loopback: one control plane and several edges as
 * separate `portcullis serve` processes on one PostgreSQL, with a zone whose mTLS host only
 * lets a device certificate through. The multi-process tests and `bench:propagation` use it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { request, type Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeCertificates } from '../../src/edge/server-certificates.ts';
import { edgePortOf, startServe, type ServeProcess } from './serve-process.ts';

export const HOST = 'api.example.net';
export const MTLS_RULE =
  `(http.host in {"${HOST}"} and ` +
  '(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked))';
const EDGE_READY = /Serving\s+configuration version \d+/;

/** An API answer's result, read field by field as the official client would. */
export type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Edge {
  dir: string;
  process: ServeProcess;
  port: number;
}

export interface Deployment {
  control: ServeProcess;
  edges: Edge[];
  /** PEM of the edge CA every edge presents server certificates from. */
  edgeCa: string;
  zoneId: string;
  /** The admin token. */
  token: string;
  /** The device certificate, issued by the zone's managed CA. */
  device: { id: string; cert: string; key: string };
  api(method: string, path: string, body?: unknown): Promise<Result>;
  /** Starts an edge on `dir`, a new edge or one that ran before. */
  startEdge(dir: string): Promise<Edge>;
  close(): Promise<void>;
}

/**
 * Starts the control plane, then `edges` edges, on the PostgreSQL at `databaseUrl`; creates
 * zone example.net with the mTLS host, a device certificate and the mTLS rule.
 */
export async function startDeployment(
  databaseUrl: string,
  options: { edges: number; env?: NodeJS.ProcessEnv },
): Promise<Deployment> {
  const token = `pc_${randomBytes(24).toString('hex')}`;
  const masterKey = randomBytes(32);
  const env: NodeJS.ProcessEnv = {
    PORTCULLIS_DATABASE_URL: databaseUrl,
    PORTCULLIS_MASTER_KEY: masterKey.toString('hex'),
    PORTCULLIS_ADMIN_TOKEN: token,
    PORTCULLIS_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const controlDir = mkdtempSync(join(tmpdir(), 'portcullis-control-'));
  const control = await startServe(['--role', 'control', '--no-demo'], {
    ...env,
    PORTCULLIS_DATA_DIR: controlDir,
  });
  // Every edge presents server certificates from one edge CA, as operators set it up: the CA
  // is made once and its two files copied to each edge's data directory.
  const caDir = mkdtempSync(join(tmpdir(), 'portcullis-edge-ca-'));
  const edgeCa = (await EdgeCertificates.load(caDir, masterKey)).caPem;
  const startEdge = async (dir: string): Promise<Edge> => {
    for (const file of ['edge-ca.pem', 'edge-ca.key.sealed']) {
      copyFileSync(join(caDir, file), join(dir, file));
    }
    const p = await startServe(
      ['--role', 'edge'],
      { ...env, PORTCULLIS_DATA_DIR: dir },
      EDGE_READY,
    );
    return { dir, process: p, port: edgePortOf(p) };
  };
  const edges: Edge[] = [];
  for (let i = 0; i < options.edges; i++) {
    edges.push(await startEdge(mkdtempSync(join(tmpdir(), 'portcullis-edge-'))));
  }

  const api = async (method: string, path: string, body?: unknown): Promise<Result> => {
    const res = await fetch(`${control.apiUrl}/client/v4${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { success: boolean; result: Result; errors: unknown };
    assert.ok(json.success, `${method} ${path}: ${JSON.stringify(json.errors)}`);
    return json.result;
  };

  const [account] = (await api('GET', '/accounts')) as unknown as Result[];
  const zone = await api('POST', '/zones', { name: 'example.net', account: { id: account!.id } });
  await api('POST', `/zones/${zone.id}/hosts`, {
    hostname: HOST,
    origin: 'http://echo.portcullis.internal',
    mtls_enabled: true,
  });
  const issued = await api('POST', `/zones/${zone.id}/client_certificates/generate`, {
    common_name: 'device-0001',
    validity_days: 30,
  });
  await api('PUT', `/zones/${zone.id}/rulesets/phases/http_request_firewall_custom/entrypoint`, {
    rules: [{ action: 'block', expression: MTLS_RULE, description: 'mTLS required' }],
  });
  return {
    control,
    edges,
    edgeCa,
    zoneId: zone.id,
    token,
    device: { id: issued.id, cert: issued.certificate, key: issued.private_key },
    api,
    startEdge,
    close: async () => {
      for (const edge of edges) await edge.process.stop('SIGKILL').catch(() => {});
      await control.stop().catch(() => {});
    },
  };
}

/**
 * The status of one request to `path` through `edge`, with the device certificate or
 * without; `agent` keeps the connection open between calls.
 */
export function edgeStatus(
  d: Deployment,
  edge: Edge,
  o: { withCert: boolean; path?: string; agent?: Agent },
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: edge.port,
        path: o.path ?? '/',
        servername: HOST,
        headers: { host: HOST },
        ca: d.edgeCa,
        agent: o.agent ?? false,
        ...(o.withCert ? { cert: d.device.cert, key: d.device.key } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
