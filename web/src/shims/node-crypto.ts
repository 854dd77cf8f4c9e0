/**
 * Stands in for `node:crypto` in the browser bundle. Only `is_timed_hmac_valid_v0()` uses it,
 * and only when an expression is evaluated, which happens at the edge, never in the dashboard.
 */
function unavailable(): never {
  throw new Error('HMAC is evaluated at the edge, not in the dashboard');
}

export const createHmac = unavailable;
export const timingSafeEqual = unavailable;
