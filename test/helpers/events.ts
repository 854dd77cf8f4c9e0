import type { FirewallEvent } from '../../src/store/index.ts';

let next = 0;

/** A firewall event for tests: a block of GET / without a certificate, unless told otherwise. */
export function makeEvent(fields: Partial<FirewallEvent> = {}): FirewallEvent {
  const n = next++;
  return {
    id: `event-${n}-${Math.random().toString(16).slice(2)}`,
    time: n,
    zoneId: 'zone',
    host: 'api.example.com',
    ruleId: null,
    action: 'block',
    reason: 'no_certificate',
    clientIp: '192.0.2.1',
    method: 'GET',
    path: '/',
    certFingerprint: null,
    certSerial: null,
    rayId: `ray-${n}`,
    ...fields,
  };
}
