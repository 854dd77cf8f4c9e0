import { randomBytes, randomUUID } from 'node:crypto';

/** A new record id: 32 lowercase hex characters, the form of Cloudflare's zone and rule ids. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** A new UUID, the form of Cloudflare's client certificate ids. */
export function newUuid(): string {
  return randomUUID();
}

/** The current time as an ISO 8601 string in UTC. */
export function nowIso(): string {
  return new Date().toISOString();
}
