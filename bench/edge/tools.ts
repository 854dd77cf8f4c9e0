/**
 * The outside programs the edge benchmark needs, installed from Debian when missing: nginx (the
 * peer), wrk (the HTTP load generator), openssl (s_time for handshakes), and a C compiler with
 * OpenSSL's headers for the shim that gives wrk and s_time a client certificate.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes.ts';

/** Debian package that provides each program. */
const PACKAGES: Readonly<Record<string, { path: string; pkg: string }>> = {
  nginx: { path: '/usr/sbin/nginx', pkg: 'nginx-light' },
  wrk: { path: '/usr/bin/wrk', pkg: 'wrk' },
  openssl: { path: '/usr/bin/openssl', pkg: 'openssl' },
  cc: { path: '/usr/bin/cc', pkg: 'gcc' },
  'openssl headers': { path: '/usr/include/openssl/ssl.h', pkg: 'libssl-dev' },
};

/** Installs, with apt-get, whichever of the needed programs are missing. */
export async function ensureTools(log: (line: string) => void): Promise<void> {
  const missing = Object.entries(PACKAGES).filter(([, p]) => !existsSync(p.path));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map(([, p]) => p.pkg))];
  log(`installing ${pkgs.join(', ')} from Debian (missing: ${missing.map(([n]) => n).join(', ')})`);
  if (process.getuid?.() !== 0) {
    throw new Error(`installing ${pkgs.join(' ')}: apt-get needs root; install them and rerun`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], {
      env,
      timeoutMs: 300_000,
    });
  try {
    await install();
  } catch {
    // A fresh machine has no package lists yet.
    await run('apt-get', ['update'], { env, timeoutMs: 300_000 });
    await install();
  }
  // Debian's package starts nginx on :80 where an init system runs; this benchmark starts
  // its own instances and never uses that one.
}

/** Compiles the client-certificate shim into `dir`; returns the path of the shared object. */
export async function buildShim(sourceDir: string, dir: string): Promise<string> {
  const out = join(dir, 'client-cert-shim.so');
  const src = join(sourceDir, 'client-cert-shim.c');
  await run('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, src, '-ldl']);
  return out;
}

/** `nginx -v` and the OpenSSL it runs with, for the record. */
export async function versions(): Promise<Record<string, string>> {
  const nginx = await run('nginx', ['-V']);
  const text = nginx.stderr + nginx.stdout;
  const wrk = await run('wrk', ['-v']).catch((err: Error) => ({ stdout: err.message, stderr: '' }));
  const openssl = await run('openssl', ['version']);
  return {
    nginx: /nginx version: (\S+)/.exec(text)?.[1] ?? 'unknown',
    nginxOpenssl: /running with (OpenSSL [^)\s]+)/.exec(text)?.[1] ?? 'unknown',
    node: process.version,
    nodeOpenssl: process.versions.openssl ?? 'unknown',
    wrk: /wrk (?:debian\/)?(\d[\w.+~-]*)/.exec(wrk.stdout + wrk.stderr)?.[1] ?? 'unknown',
    openssl: openssl.stdout.trim(),
  };
}
