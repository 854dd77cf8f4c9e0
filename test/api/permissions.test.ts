import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allows, type Need } from '../../src/api/permissions.ts';
import type { TokenPolicy } from '../../src/store/index.ts';

const token = (...policies: TokenPolicy[]) => ({ policies });
const policy = (scopes: string[], permissions: string[]): TokenPolicy => ({
  effect: 'allow',
  scopes,
  permissions,
});

const readZoneA: Need = { resource: 'firewall', access: 'read', zoneId: 'a', accountId: 'acc' };
const editZoneA: Need = { ...readZoneA, access: 'edit' };
const editZoneB: Need = { ...editZoneA, zoneId: 'b' };

const cases: [string, ReturnType<typeof token>, Need, boolean][] = [
  ['everything', token(policy(['*'], ['*'])), editZoneB, true],
  ['nothing', token(), readZoneA, false],
  ['edit includes read', token(policy(['zone:a'], ['firewall:edit'])), readZoneA, true],
  ['read does not include edit', token(policy(['zone:a'], ['firewall:read'])), editZoneA, false],
  ['another zone', token(policy(['zone:a'], ['firewall:edit'])), editZoneB, false],
  ['another resource', token(policy(['zone:a'], ['ssl:edit'])), editZoneA, false],
  ['the whole account', token(policy(['account:acc'], ['firewall:edit'])), editZoneB, true],
  ['another account', token(policy(['account:x'], ['firewall:edit'])), editZoneB, false],
  [
    'scope and permission from different policies do not combine',
    token(policy(['zone:a'], ['ssl:edit']), policy(['zone:b'], ['firewall:edit'])),
    editZoneA,
    false,
  ],
];

for (const [name, t, need, expected] of cases) {
  test(`token permissions: ${name}`, () => assert.equal(allows(t, need), expected));
}
