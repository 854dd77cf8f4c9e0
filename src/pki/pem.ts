/**
 * PEM armour (RFC 7468): decoding with the checks the API needs to tell "not PEM" from
 * "PEM of the wrong type", and encoding with the strict 64-column layout (RFC 7468 §2).
 */
import { PkiError } from './errors.ts';

/** PEM labels the library reads and writes. */
export const PemLabel = {
  CERTIFICATE: 'CERTIFICATE',
  CERTIFICATE_REQUEST: 'CERTIFICATE REQUEST',
  PRIVATE_KEY: 'PRIVATE KEY',
  X509_CRL: 'X509 CRL',
} as const;

/** Longest CSR accepted, in characters of PEM: an RSA 8192 request is under 4 KiB. */
export const MAX_CSR_PEM_LENGTH = 16 * 1024;

/** Longest CA bundle accepted, in characters of PEM. */
export const MAX_CA_BUNDLE_PEM_LENGTH = 1024 * 1024;

/** Longest CRL accepted, PEM characters or DER octets: public CAs publish CRLs of megabytes. */
export const MAX_CRL_LENGTH = 16 * 1024 * 1024;

/** One decoded PEM block. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

// RFC 7468 §3 allows optional whitespace and explanatory text between blocks.
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order. Returns an empty list when there is none. */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] ?? '';
    const body = (match[2] ?? '').replace(/\s+/g, '');
    // Encapsulated headers (RFC 1421 "Proc-Type:") mean legacy encrypted PEM: not supported.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) continue;
    blocks.push({ label, der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}

/**
 * The DER of every block labelled `label` in `text`.
 *
 * @param what - what the input is, for the error message ("the CSR", "the CA bundle").
 * @param maxLength - longest `text` accepted; default 1 MiB.
 * @throws PkiError `PORTCULLIS_ERR_PKI_NOT_PEM` when `text` holds no PEM block at all,
 *   `PORTCULLIS_ERR_PKI_WRONG_PEM_TYPE` when it holds blocks of other labels only,
 *   `PORTCULLIS_ERR_PKI_INPUT_TOO_LARGE` when it is longer than `maxLength`.
 */
export function decodePemAll(
  text: string,
  label: string,
  what: string,
  maxLength = MAX_CA_BUNDLE_PEM_LENGTH,
): Uint8Array[] {
  if (typeof text !== 'string') throw new PkiError('PORTCULLIS_ERR_PKI_NOT_PEM', { what, label });
  checkLength(text.length, maxLength, what);
  const blocks = decodePemBlocks(text);
  if (blocks.length === 0) throw new PkiError('PORTCULLIS_ERR_PKI_NOT_PEM', { what, label });
  const wanted = blocks.filter((b) => b.label === label);
  if (wanted.length === 0) {
    const actual = [...new Set(blocks.map((b) => b.label))].join(', ');
    throw new PkiError('PORTCULLIS_ERR_PKI_WRONG_PEM_TYPE', { what, label, actual });
  }
  return wanted.map((b) => b.der);
}

/** The DER of the first block labelled `label`; errors as {@link decodePemAll}. */
export function decodePem(
  text: string,
  label: string,
  what: string,
  maxLength = MAX_CA_BUNDLE_PEM_LENGTH,
): Uint8Array {
  const [first] = decodePemAll(text, label, what, maxLength);
  return first as Uint8Array;
}

/**
 * Refuses inputs over a limit before any parsing work is spent on them.
 *
 * @throws PkiError `PORTCULLIS_ERR_PKI_INPUT_TOO_LARGE`.
 */
export function checkLength(length: number, maxLength: number, what: string): void {
  if (length > maxLength) {
    throw new PkiError('PORTCULLIS_ERR_PKI_INPUT_TOO_LARGE', { what, got: length, max: maxLength });
  }
}

/** PEM text for `der`, 64 base64 characters per line, with a trailing newline. */
export function encodePem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
