import type { PkiError } from '../pki/index.ts';
import { isPkiError } from '../pki/index.ts';
import { ApiError } from './errors.ts';

/**
 * The API answer for a refused certificate, CSR, CA bundle, CRL or bundle password: code 1450
 * with the library's message, which names certificates by serial and never quotes key
 * material, and its stable `PORTCULLIS_ERR_PKI_*` code in brackets so that scripts can test it
 * (Cloudflare's error entries carry numeric codes only).
 */
export function pkiApiError(err: PkiError, pointer?: string): ApiError {
  return new ApiError('invalidCertificate', `${err.message} [${err.code}]`, {
    cause: err,
    ...(pointer === undefined ? {} : { pointer }),
  });
}

/**
 * Runs `fn` and answers a PKI refusal as {@link pkiApiError} pointing at the request field
 * that held the bad input.
 *
 * @example const csr = await pointing('/csr', () => parseCsr(body.csr));
 */
export async function pointing<T>(pointer: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isPkiError(err)) throw pkiApiError(err, pointer);
    throw err;
  }
}
