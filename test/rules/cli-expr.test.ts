import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const bin = new URL('../../bin/portcullis.mjs', import.meta.url).pathname;

function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [bin, 'expr', ...args], {
    encoding: 'utf8',
    input,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('portcullis expr', () => {
  test('check exits 0 for a valid expression', () => {
    const r = run([
      'check',
      'http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified',
    ]);
    assert.equal(r.code, 0, r.stderr);
  });

  test('check prints the rendered error and exits 1 for an invalid one', () => {
    const r = run(['check', 'http.hots eq "a"']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error at 1:1: unknown field "http.hots"\nhttp.hots eq "a"\n^^^^^^^^^\n',
    );
  });

  test('eval prints true or false, with custom schemes and lists', () => {
    const yes = run(['eval', 'ip.src in {192.0.2.0/24}', '--fields', '{"ip.src":"192.0.2.4"}']);
    assert.deepEqual([yes.code, yes.stdout], [0, 'true\n']);
    const custom = run([
      'eval',
      'port in $web and not tags[0] eq "x"',
      '--scheme',
      '{"port":"Int","tags":"Array<Bytes>"}',
      '--lists',
      '{"web":[80,443]}',
      '--fields',
      '{"port":443,"tags":["x"]}',
    ]);
    assert.deepEqual([custom.code, custom.stdout], [0, 'false\n']);
    const bad = run(['eval', 'ssl', '--fields', '{"ssl":"yes"}']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /field ssl: expected true or false/);
  });

  test('batch answers each JSON line in order, malformed lines included', () => {
    const lines = [
      { expression: 'ssl' },
      { expression: 'x eq 1', scheme: { x: 'Int' }, fields: { x: 1 } },
      'not json',
      {
        expression: 'ip.src in $office',
        lists: { office: ['10.0.0.0/8'] },
        fields: { 'ip.src': '10.1.1.1' },
      },
      { expression: 'ssl and\n  http.hots eq "a"' },
      { expression: 42 },
    ];
    const input =
      lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
    const r = run(['batch'], input);
    assert.equal(r.code, 0, r.stderr);
    const answers = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(answers.length, lines.length);
    assert.deepEqual(answers[0], { valid: true });
    assert.deepEqual(answers[1], { valid: true, result: true });
    assert.equal((answers[2]?.error as { kind: string }).kind, 'InvalidInput');
    assert.deepEqual(answers[3], { valid: true, result: true });
    assert.deepEqual(answers[4], {
      valid: false,
      error: {
        kind: 'UnknownField',
        message: 'unknown field "http.hots"',
        line: 2,
        column: 3,
        length: 9,
      },
    });
    assert.equal(answers[5]?.valid, false);
  });
});
