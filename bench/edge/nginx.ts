/**
 * nginx in the edge benchmark: the origin that both proxies forward to, and the peer proxy
 * configured as the equivalent of Portcullis's demo host. Each runs in the foreground under
 * the runner (`daemon off`), from a configuration written into the run's own directory.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { start, type Started } from './processes.ts';

/** Fills `{{NAME}}` placeholders of a configuration template. */
export function renderTemplate(templatePath: string, values: Record<string, string>): string {
  return readFileSync(templatePath, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${templatePath}: no value for ${whole}`);
    return value;
  });
}

/** Writes the configuration and starts nginx on it; resolves once `port` accepts. */
export async function startNginx(
  name: string,
  dir: string,
  config: string,
  port: number,
): Promise<Started> {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  const path = join(dir, `${name}.conf`);
  writeFileSync(path, config);
  const nginx = start(name, 'nginx', ['-c', path, '-p', dir, '-e', join(dir, `${name}-error.log`)]);
  await waitForPort(port, nginx);
  return nginx;
}

/**
 * Tells a running nginx to read its files again (a new CRL): the master starts new workers
 * and lets the old ones finish their connections.
 */
export function reloadNginx(nginx: Started): void {
  process.kill(nginx.pid, 'SIGHUP');
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
export async function waitForPort(port: number, owner: Started, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void owner.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${owner.name} exited while starting:\n${owner.output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${owner.name} did not listen on ${port} in time:\n${owner.output()}`);
}
