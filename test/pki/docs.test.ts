// Runs every command of the shell blocks in docs/client-certificates.md, in order, in a scratch
// directory, so that the operator's guide keeps working as written. Where the guide sends the
// CSR to the API, the test issues the certificate with the library instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { createManagedCa, issueClientCertificate } from '../../src/pki/index.ts';
import { OpensslDir } from './openssl.ts';

const dir = new OpensslDir();
after(() => dir.remove());

const guide = readFileSync(new URL('../../docs/client-certificates.md', import.meta.url), 'utf8');
const commands = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
  (m[1] ?? '').split('\n').filter((line) => line.trim() !== ''),
);

test('the operator guide has shell commands to check', () => {
  assert.ok(commands.length >= 10, `only ${commands.length} commands found`);
});

test('every shell command of the operator guide works as written', async () => {
  let issued = false;
  for (const command of commands) {
    if (!issued && command.includes('device.pem')) {
      const ca = await createManagedCa({ accountId: 'docs' });
      const cert = await issueClientCertificate({
        csr: dir.text('device.csr'),
        authority: { certificateDer: ca.certificateDer, privateKey: ca.keys.privateKey },
        validityDays: 3650,
      });
      dir.write('ca.pem', ca.certificatePem);
      dir.write('device.pem', cert.certificatePem);
      issued = true;
    }
    const result = spawnSync('bash', ['-c', command], { cwd: dir.path, encoding: 'utf8' });
    assert.equal(result.status, 0, `${command}\n${result.stdout}${result.stderr}`);
  }
  assert.ok(issued);
});
