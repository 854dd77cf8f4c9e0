// Runs the openssl CLI for the PKI tests: fixtures made by an independent implementation,
// and the reference output that the field reader must match.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch directory with helpers to run openssl inside it. */
export class OpensslDir {
  readonly path = mkdtempSync(join(tmpdir(), 'portcullis-pki-'));

  run(args: string[], input?: string | Uint8Array): string {
    return execFileSync('openssl', args, {
      cwd: this.path,
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OPENSSL_CONF: '/dev/null' },
    }).toString('utf8');
  }

  /** Runs openssl and returns its stdout and stderr without throwing on failure. */
  tryRun(args: string[], input?: string | Uint8Array): { ok: boolean; output: string } {
    const result = spawnSync('openssl', args, {
      cwd: this.path,
      input,
      env: { ...process.env, OPENSSL_CONF: '/dev/null' },
    });
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  }

  write(name: string, data: string | Uint8Array): string {
    writeFileSync(join(this.path, name), data);
    return name;
  }

  read(name: string): Buffer {
    return readFileSync(join(this.path, name));
  }

  text(name: string): string {
    return this.read(name).toString('utf8');
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** DER bytes of the first certificate in a PEM file. */
export function pemToDer(pem: string): Uint8Array {
  const body = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END/.exec(pem)?.[1] ?? '';
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

/** What `openssl x509` says about a certificate, in the forms the rule fields use. */
export interface OpensslView {
  subjectRfc2253: string;
  issuerRfc2253: string;
  subjectCompat: string;
  issuerCompat: string;
  serial: string;
  sha256: string;
  sha1: string;
  notBefore: string;
  notAfter: string;
  ski: string;
  aki: string;
}

/** Asks openssl for every value the reader computes. */
export function opensslView(dir: OpensslDir, certFile: string): OpensslView {
  const x = (...args: string[]) => dir.run(['x509', '-in', certFile, '-noout', ...args]).trim();
  const after = (text: string, prefix: string) => {
    if (!text.startsWith(prefix)) throw new Error(`unexpected openssl output ${text}`);
    return text.slice(prefix.length);
  };
  const dates = x('-dates').split('\n');
  const ext = (name: string) => {
    const out = x('-ext', name);
    const line = (out.split('\n')[1] ?? '').trim().replace(/^keyid:/, '');
    return /^[0-9A-F]{2}(:[0-9A-F]{2})*$/.test(line) ? line.replaceAll(':', '') : '';
  };
  return {
    subjectRfc2253: after(x('-subject', '-nameopt', 'RFC2253'), 'subject='),
    issuerRfc2253: after(x('-issuer', '-nameopt', 'RFC2253'), 'issuer='),
    subjectCompat: after(x('-subject', '-nameopt', 'compat'), 'subject='),
    issuerCompat: after(x('-issuer', '-nameopt', 'compat'), 'issuer='),
    serial: after(x('-serial'), 'serial='),
    sha256: after(x('-fingerprint', '-sha256'), 'sha256 Fingerprint=')
      .replaceAll(':', '')
      .toLowerCase(),
    sha1: after(x('-fingerprint', '-sha1'), 'sha1 Fingerprint=').replaceAll(':', '').toLowerCase(),
    notBefore: after(dates[0] ?? '', 'notBefore='),
    notAfter: after(dates[1] ?? '', 'notAfter='),
    ski: ext('subjectKeyIdentifier'),
    aki: ext('authorityKeyIdentifier'),
  };
}
