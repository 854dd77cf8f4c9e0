/** How the Overview words the reasons and actions that events carry. */

const REASONS: Record<string, string> = {
  no_certificate: 'No client certificate',
  unknown_ca: 'Certificate from an untrusted CA',
  expired: 'Certificate expired',
  not_yet_valid: 'Certificate not valid yet',
  bad_signature: 'Invalid certificate signature',
  wrong_key_usage: 'Certificate not for client authentication',
  invalid_certificate: 'Invalid certificate',
  revoked: 'Certificate revoked',
  verified: 'Valid certificate',
  not_requested: 'No certificate requested',
  rule: 'Matched a firewall rule',
  unknown_host: 'Unknown host',
  misdirected_request: 'Misdirected request',
  origin_unreachable: 'Origin unreachable',
  origin_timeout: 'Origin timed out',
  origin_error: 'Origin error',
  internal_error: 'Internal error',
};

/** The reasons the event log's filter offers. */
export const KNOWN_REASONS = Object.keys(REASONS);

export function reasonLabel(reason: string | null | undefined): string {
  if (!reason) return '—';
  const text = REASONS[reason];
  if (text) return text;
  const words = reason.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const EVENT_ACTIONS = ['block', 'allow', 'log', 'skip'];

export function actionName(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}

/** The time ranges of the Overview, newest first. */
export const RANGES = [
  { id: '1h', label: 'Previous hour', ms: 3_600_000, buckets: 60 },
  { id: '6h', label: 'Previous 6 hours', ms: 6 * 3_600_000, buckets: 72 },
  { id: '24h', label: 'Previous 24 hours', ms: 86_400_000, buckets: 96 },
  { id: '7d', label: 'Previous 7 days', ms: 7 * 86_400_000, buckets: 84 },
] as const;

export type RangeId = (typeof RANGES)[number]['id'];
