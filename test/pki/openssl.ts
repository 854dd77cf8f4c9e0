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

const views = new Map<string, OpensslView>();

/**
 * Asks openssl for every value the reader computes, in three runs, remembered per file (a
 * test that rewrites a file must use a new name).
 */
export function opensslView(dir: OpensslDir, certFile: string): OpensslView {
  const key = `${dir.path}/${certFile}`;
  const known = views.get(key);
  if (known) return known;

  const lines = (...args: string[]) =>
    dir.run(['x509', '-in', certFile, '-noout', ...args]).split('\n');
  const value = (list: string[], prefix: string) => {
    const line = list.find((l) => l.startsWith(prefix));
    if (line === undefined) throw new Error(`openssl printed no ${prefix}`);
    return line.slice(prefix.length);
  };
  const hex = (text: string) => text.replaceAll(':', '');

  const main = lines('-subject', '-issuer', '-nameopt', 'RFC2253', '-serial', '-dates').concat(
    lines('-fingerprint', '-sha256'),
  );
  const compat = lines('-subject', '-issuer', '-nameopt', 'compat', '-fingerprint', '-sha1');
  const ext = lines('-ext', 'subjectKeyIdentifier,authorityKeyIdentifier');
  const keyId = (title: string) => {
    const at = ext.findIndex((l) => l.includes(title));
    const line = (ext[at + 1] ?? '').trim().replace(/^keyid:/, '');
    return at >= 0 && /^[0-9A-F]{2}(:[0-9A-F]{2})*$/.test(line) ? hex(line) : '';
  };

  const view: OpensslView = {
    subjectRfc2253: value(main, 'subject='),
    issuerRfc2253: value(main, 'issuer='),
    subjectCompat: value(compat, 'subject='),
    issuerCompat: value(compat, 'issuer='),
    serial: value(main, 'serial='),
    sha256: hex(value(main, 'sha256 Fingerprint=')).toLowerCase(),
    sha1: hex(value(compat, 'sha1 Fingerprint=')).toLowerCase(),
    notBefore: value(main, 'notBefore='),
    notAfter: value(main, 'notAfter='),
    ski: keyId('Subject Key Identifier'),
    aki: keyId('Authority Key Identifier'),
  };
  views.set(key, view);
  return view;
}
