import { createHash, randomBytes } from 'node:crypto';

/**
 * A new token secret: 40 characters of base64url, 240 bits from the system's CSPRNG, the same
 * length as Cloudflare's API tokens.
 */
export function generateTokenSecret(): string {
  return randomBytes(30).toString('base64url');
}

/**
 * The hash stored for a token. Secrets are long and random, so one SHA-256 is enough: there is
 * no dictionary to slow down, and a lookup must stay cheap because it runs on every request.
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
