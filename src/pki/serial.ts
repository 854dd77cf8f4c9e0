/** Certificate serial numbers (RFC 5280 §4.1.2.2). */
import { randomBytes } from 'node:crypto';

/** Octets in a generated serial: the most RFC 5280 §4.1.2.2 allows. */
export const SERIAL_OCTETS = 20;

/**
 * A random positive serial number as uppercase hex of exactly {@link SERIAL_OCTETS} octets.
 * The top bit is cleared so that DER needs no sign octet and the INTEGER stays within 20
 * octets, and the first octet is non-zero so that the encoding is minimal. That leaves 159
 * random bits, far above the 64 that the CA/Browser Forum asks for against collisions.
 */
export function randomSerial(): string {
  const bytes = randomBytes(SERIAL_OCTETS);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex').toUpperCase();
}
