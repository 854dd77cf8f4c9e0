import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RevokedSet } from '../../src/config/revoked-set.ts';

describe('the revoked set', () => {
  test('changes one serial of a tracked CA and leaves the others', () => {
    const set = new RevokedSet();
    set.replace('ca-1', ['0A', '0B']);
    set.set('ca-1', '0C', true);
    set.set('ca-1', '0A', false);
    assert.deepEqual(set.serialsOf('ca-1').sort(), ['0B', '0C']);
    assert.equal(set.has('ca-1', '0C'), true);
    assert.equal(set.has('ca-1', '0A'), false);
    assert.equal(set.size, 2);
  });

  test('ignores a serial of a CA that no host trusts', () => {
    const set = new RevokedSet();
    set.set('ca-2', '0A', true);
    assert.equal(set.tracks('ca-2'), false);
    assert.equal(set.has('ca-2', '0A'), false);
    assert.equal(set.size, 0);
  });

  test('a serial is revoked under its own CA only', () => {
    const set = new RevokedSet();
    set.replace('ca-1', ['0A']);
    set.replace('ca-2', []);
    assert.equal(set.has('ca-2', '0A'), false);
    set.retain(new Set(['ca-2']));
    assert.equal(set.tracks('ca-1'), false);
    assert.equal(set.has('ca-1', '0A'), false);
  });
});
