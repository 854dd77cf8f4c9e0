import { createServer } from 'node:net';
import { formatListen, type ListenAddress } from './settings.ts';

/** An address that cannot be listened on; the message names it and the setting. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/**
 * Checks that `address` can be bound, by binding and releasing it. `serve` runs this before it
 * opens the database, so that a port already in use stops the start with nothing written.
 */
export async function probeListen(address: ListenAddress, setting: string): Promise<void> {
  if (address.port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, address, setting)));
    server.listen({ host: address.host, port: address.port, exclusive: true }, () => resolve());
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Turns a bind failure into one clear line. */
export function listenError(err: unknown, address: ListenAddress, setting: string): ListenError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE'
      ? 'the address is already in use'
      : code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL'
          ? 'no network interface has that address'
          : code === 'ENOTFOUND'
            ? 'the host name does not resolve'
            : (err as Error).message;
  return new ListenError(`cannot listen on ${formatListen(address)} (${setting}): ${why}`);
}
