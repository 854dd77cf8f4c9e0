import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, PEM, made by the openssl command line. */
export interface OpensslPair {
  cert: string;
  key: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A scratch folder and a way to run openssl in it. */
export function opensslDir(prefix = 'portcullis-openssl-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    run: (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }),
    read: (file: string) => readFileSync(join(dir, file), 'utf8'),
    write: (file: string, text: string) => writeFileSync(join(dir, file), text),
  };
}

/** A self-signed CA named `CN=<name>`, written as `ca.pem` and `ca.key` in `dir`. */
export function opensslCa(o: ReturnType<typeof opensslDir>, name: string): OpensslPair {
  o.run(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-subj',
    `/CN=${name}`,
    '-days',
    '10',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=keyCertSign,cRLSign',
  );
  return { cert: o.read('ca.pem'), key: o.read('ca.key') };
}

/**
 * A leaf for `subject` signed by `caPem`/`caKey` (paths in `dir`) with the given extensions
 * (an openssl extfile's text), valid for five days.
 */
export function opensslLeaf(
  o: ReturnType<typeof opensslDir>,
  subject: string,
  extensions: string,
  ca = { cert: 'ca.pem', key: 'ca.key' },
): OpensslPair {
  o.write('ext', extensions);
  o.run('req', ...EC, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', subject);
  o.run(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '5',
    '-extfile',
    'ext',
  );
  return { cert: o.read('leaf.pem'), key: o.read('leaf.key') };
}
