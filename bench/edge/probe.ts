/**
 * Single requests to a proxy from node, for what the load generators cannot tell: that both
 * proxies give the same answers before they are measured, and how long a revocation takes to
 * block a client that keeps sending requests.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

export interface ProbeClient {
  port: number;
  sni: string;
  /** CA that issued the proxy's server certificate. */
  caPath: string;
  certPath?: string;
  keyPath?: string;
}

export interface ProbeAnswer {
  status: number;
  body: string;
  /** Whether the request went over a connection that an earlier request had opened. */
  reused: boolean;
}

/** A keep-alive client over one connection at a time, as a device would be. */
export class Prober {
  readonly #agent: Agent;
  readonly #client: ProbeClient;

  constructor(client: ProbeClient) {
    this.#client = client;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: 1,
      ca: readFileSync(client.caPath),
      ...(client.certPath ? { cert: readFileSync(client.certPath) } : {}),
      ...(client.keyPath ? { key: readFileSync(client.keyPath) } : {}),
      servername: client.sni,
    });
  }

  get(path = '/'): Promise<ProbeAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.#client.port,
          path,
          agent: this.#agent,
          servername: this.#client.sni,
          headers: { host: this.#client.sni },
          timeout: 5_000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('probe timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Sends requests one after another until one is answered 403; returns it and its time. */
export async function untilBlocked(
  prober: Prober,
  since: number,
  timeoutMs: number,
): Promise<{ ms: number; reused: boolean; requests: number } | undefined> {
  let requests = 0;
  while (performance.now() - since < timeoutMs) {
    let answer: ProbeAnswer;
    try {
      answer = await prober.get('/');
    } catch {
      continue; // a connection closed by a reload: the next request opens another
    }
    requests++;
    if (answer.status === 403) {
      return { ms: performance.now() - since, reused: answer.reused, requests };
    }
  }
  return undefined;
}
