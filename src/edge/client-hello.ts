import type { Socket } from 'node:net';

/** Why a connection was closed before TLS began. */
export type HelloFailure = 'not_tls' | 'malformed_client_hello' | 'timeout' | 'closed';

export class ClientHelloError extends Error {
  readonly reason: HelloFailure;
  constructor(reason: HelloFailure, message: string) {
    super(message);
    this.name = 'ClientHelloError';
    this.reason = reason;
  }
}

/** The first TLS record of a connection and the server name it asks for. */
export interface ClientHello {
  /** Every byte read so far; it goes back to the socket for the TLS server to read. */
  data: Buffer;
  /** The SNI host name, lowercased, or null when the client sent none. */
  servername: string | null;
}

const RECORD_HEADER = 5;
const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SNI_EXTENSION = 0x0000;
const HOST_NAME = 0x00;
/** Largest TLS plaintext record (RFC 8446 §5.1): 2^14 bytes plus the header. */
const MAX_RECORD = 16_384 + RECORD_HEADER;

/**
 * Reads the first TLS record of a connection (the ClientHello) without consuming it for
 * good: the caller puts `data` back with `socket.unshift` and hands the socket to the TLS
 * server of the host it names. Choosing the host before TLS starts is what gives every host
 * its own session cache and ticket keys, so a session resumed on one host can never carry an
 * identity verified on another.
 */
export function readClientHello(socket: Socket, timeoutMs: number): Promise<ClientHello> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const timer = setTimeout(
      () => finish(new ClientHelloError('timeout', `no ClientHello within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) data = Buffer.concat([data, chunk]);
      const need = recordLength(data);
      if (need instanceof ClientHelloError) return finish(need);
      if (need !== undefined && data.length >= need) {
        const parsed = parseServerName(data.subarray(RECORD_HEADER, need));
        finish(parsed instanceof ClientHelloError ? parsed : { data, servername: parsed });
      }
    };
    const onEnd = () => finish(new ClientHelloError('closed', 'closed before the ClientHello'));
    const finish = (result: ClientHello | ClientHelloError) => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
      if (result instanceof ClientHelloError) reject(result);
      else resolve(result);
    };
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onEnd);
  });
}

/** The length of the first record once its header is in, or an error for a non-TLS start. */
function recordLength(data: Buffer): number | undefined | ClientHelloError {
  if (data.length === 0) return undefined;
  if (data[0] !== HANDSHAKE) {
    return new ClientHelloError('not_tls', 'the connection did not start with a TLS handshake');
  }
  if (data.length < RECORD_HEADER) return undefined;
  const length = RECORD_HEADER + data.readUInt16BE(3);
  if (length > MAX_RECORD) {
    return new ClientHelloError('malformed_client_hello', `record of ${length} bytes is too long`);
  }
  return length;
}

/**
 * Finds the host name in a ClientHello (RFC 8446 §4.1.2, RFC 6066 §3). Only the first record
 * is read: a ClientHello split over several records is valid but no client does that for the
 * part before the extensions, so a missing SNI there is treated as no SNI.
 */
export function parseServerName(hello: Buffer): string | null | ClientHelloError {
  const bad = (what: string) => new ClientHelloError('malformed_client_hello', what);
  if (hello[0] !== CLIENT_HELLO) return bad('the first handshake message is not a ClientHello');
  const end = Math.min(hello.length, 4 + hello.readUIntBE(1, 3));
  let p = 4 + 2 + 32; // type and length, legacy_version, random
  if (p >= end) return bad('ClientHello is truncated');
  p += 1 + hello.readUInt8(p); // legacy_session_id
  if (p + 2 > end) return bad('ClientHello is truncated');
  p += 2 + hello.readUInt16BE(p); // cipher_suites
  if (p + 1 > end) return bad('ClientHello is truncated');
  p += 1 + hello.readUInt8(p); // legacy_compression_methods
  if (p === end) return null; // no extensions at all
  if (p + 2 > end) return bad('ClientHello is truncated');
  const extensionsEnd = p + 2 + hello.readUInt16BE(p);
  if (extensionsEnd > end) return bad('extensions run past the ClientHello');
  p += 2;
  while (p + 4 <= extensionsEnd) {
    const type = hello.readUInt16BE(p);
    const length = hello.readUInt16BE(p + 2);
    p += 4;
    if (p + length > extensionsEnd) return bad('an extension runs past the ClientHello');
    if (type === SNI_EXTENSION) return readHostName(hello.subarray(p, p + length), bad);
    p += length;
  }
  return null;
}

function readHostName(ext: Buffer, bad: (what: string) => ClientHelloError) {
  if (ext.length < 5 || ext.readUInt16BE(0) !== ext.length - 2) return bad('malformed SNI');
  if (ext[2] !== HOST_NAME) return null;
  const length = ext.readUInt16BE(3);
  if (5 + length > ext.length || length === 0) return bad('malformed SNI host name');
  const name = ext.subarray(5, 5 + length).toString('latin1');
  // RFC 6066 §3: ASCII, no trailing dot. Anything else cannot name one of our hosts.
  if (!/^[a-zA-Z0-9.-]+$/.test(name)) return bad('SNI host name is not a DNS name');
  return name.toLowerCase();
}
