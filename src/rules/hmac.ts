/**
 * `is_timed_hmac_valid_v0()`: token authentication. A MessageMAC is
 * `message | separator | timestamp (10 digits) | "-" | mac`, where mac is the Base64
 * HMAC-SHA256 of message followed by timestamp, URL-encoded (or URL-safe Base64 without
 * padding with the "s" flag). The token is valid while `timestamp + ttl >= now`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The parts of a MessageMAC, or undefined when it has none of the required shape. */
function split(value: string, separatorLength: number) {
  // Scan from the end for `\d{10}-` followed by 43 characters or more: the greedy reading of
  // Cloudflare's `(.+)(.*)(\d{10})-(.{43,})`, in linear time.
  for (let dash = value.length - 44; dash >= 11; dash--) {
    if (value.charCodeAt(dash) !== 45) continue;
    const timestamp = value.slice(dash - 10, dash);
    if (!/^\d{10}$/.test(timestamp)) continue;
    const messageEnd = dash - 10 - separatorLength;
    if (messageEnd < 1) return undefined;
    return { message: value.slice(0, messageEnd), timestamp, mac: value.slice(dash + 1) };
  }
  return undefined;
}

function decodeMac(mac: string, urlSafe: boolean): Buffer | undefined {
  if (urlSafe) return /^[A-Za-z0-9_-]+$/.test(mac) ? Buffer.from(mac, 'base64url') : undefined;
  let text: string;
  try {
    text = decodeURIComponent(mac);
  } catch {
    return undefined;
  }
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** The implementation; missing inputs give a missing result. */
export function isTimedHmacValid(
  key: string | undefined,
  messageMac: string | undefined,
  ttl: number | undefined,
  now: number | undefined,
  separatorLength = 0,
  flags = '',
): boolean | undefined {
  if (key === undefined || messageMac === undefined || ttl === undefined || now === undefined) {
    return undefined;
  }
  const parts = split(messageMac, separatorLength);
  if (!parts) return false;
  if (Number(parts.timestamp) + ttl < now) return false;
  const given = decodeMac(parts.mac, flags.includes('s'));
  const expected = createHmac('sha256', key)
    .update(parts.message + parts.timestamp)
    .digest();
  return (
    given !== undefined && given.length === expected.length && timingSafeEqual(given, expected)
  );
}
