/** Hex helpers for the formats of the `cf.tls_client_auth.*` fields and the API. */

/** Lowercase hex without separators (fingerprints). */
export function toHexLower(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Uppercase hex without separators (serials, key identifiers). */
export function toHexUpper(bytes: Uint8Array): string {
  return toHexLower(bytes).toUpperCase();
}
