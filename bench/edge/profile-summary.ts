/**
 * Reads V8 CPU profiles (`node --cpu-prof`) of the edge and says where its time goes: self
 * time per function, grouped into what the hot path is made of (TLS, HTTP parsing, rules,
 * forwarding, Portcullis's own code, garbage collection, native work outside JavaScript).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface FunctionTime {
  name: string;
  where: string;
  group: string;
  ms: number;
  /** Share of busy time (everything but idle), percent. */
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  groups: { group: string; ms: number; share: number }[];
  top: FunctionTime[];
}

// Native functions of node's bindings appear without a URL; these names say which part they
// belong to.
const NATIVE_TLS = new Set([
  'getPeerCertificate',
  'getPeerX509Certificate',
  'verifyError',
  'getSession',
  'setSession',
  'isSessionReused',
  'getALPNNegotiatedProtocol',
  'getServername',
  'setServername',
  'getCertificate',
  'getProtocol',
  'getCipher',
  'getFinished',
  'getPeerFinished',
  'exportKeyingMaterial',
  'receive',
  'setVerifyMode',
  'enableCertCb',
  'certCbDone',
  'newSessionDone',
  'loadSession',
  'setOCSPResponse',
  'setALPNProtocols',
  'setSecureContext',
]);
const NATIVE_HTTP = new Set(['execute', 'finish', 'consume', 'unconsume', 'initialize']);
const NATIVE_WRITE = new Set([
  'writev',
  'writeBuffer',
  'writeUtf8String',
  'writeLatin1String',
  'writeAsciiString',
  'shutdown',
]);

/** The group a function belongs to, from its URL (or, for natives, its name). */
export function groupOf(name: string, url: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'native outside JS (OpenSSL reads and handshakes, libuv)';
  if (name === '(idle)') return 'idle';
  if (url === '') {
    if (NATIVE_TLS.has(name)) return 'TLS';
    if (NATIVE_HTTP.has(name)) return 'HTTP parsing and writing';
    if (NATIVE_WRITE.has(name)) return 'socket writes (TLS encryption, syscalls)';
    return 'other native';
  }
  if (url.includes('/node_modules/undici/') || url.includes('/src/edge/forwarder.ts')) {
    return 'undici and forwarding';
  }
  if (url.includes('/src/rules/')) return 'rules';
  if (url.includes('/src/pki/')) return 'Portcullis JS: certificate fields (src/pki)';
  if (url.includes('/src/events/')) return 'Portcullis JS: events';
  if (url.includes('/src/')) return 'Portcullis JS: edge (src/edge, src/config)';
  if (url.includes('/node_modules/')) return 'other libraries';
  if (/^node:(_tls|tls|internal\/tls|crypto|internal\/crypto)/.test(url)) return 'TLS';
  if (/^node:(_http|http|internal\/http)/.test(url)) return 'HTTP parsing and writing';
  if (/^node:(net|internal\/stream|internal\/streams|stream|events|internal\/event)/.test(url)) {
    return 'node streams, sockets and events';
  }
  if (/^node:(internal\/timers|timers|internal\/process)/.test(url)) {
    return 'node timers and ticks';
  }
  if (url.startsWith('node:')) return 'node other';
  return 'other';
}

/** Sums self time over one or more profiles (a cluster writes one per worker). */
export function summarise(paths: readonly string[], topN = 25): ProfileSummary {
  const byFunction = new Map<string, { name: string; where: string; group: string; ms: number }>();
  let idleMs = 0;
  let busyMs = 0;
  for (const path of paths) {
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    const totalHits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
    const msPerHit = totalHits > 0 ? (profile.endTime - profile.startTime) / 1000 / totalHits : 0;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = functionName || '(anonymous)';
      const group = groupOf(name, url);
      const ms = hits * msPerHit;
      if (group === 'idle') {
        idleMs += ms;
        continue;
      }
      busyMs += ms;
      const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)';
      const key = `${name} ${where}`;
      const entry = byFunction.get(key) ?? { name, where, group, ms: 0 };
      entry.ms += ms;
      byFunction.set(key, entry);
    }
  }
  const groups = new Map<string, number>();
  for (const f of byFunction.values()) groups.set(f.group, (groups.get(f.group) ?? 0) + f.ms);
  const share = (ms: number) => (busyMs > 0 ? (100 * ms) / busyMs : 0);
  return {
    busyMs,
    idleMs,
    groups: [...groups]
      .map(([group, ms]) => ({ group, ms, share: share(ms) }))
      .sort((a, b) => b.ms - a.ms),
    top: [...byFunction.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN)
      .map((f) => ({ ...f, share: share(f.ms) })),
  };
}

function shortUrl(url: string): string {
  const i = url.indexOf('/node_modules/');
  if (i >= 0) return url.slice(i + 1);
  const s = url.indexOf('/src/');
  if (s >= 0) return url.slice(s + 1);
  return url.replace(/^file:\/\//, '');
}

/** The summary as text: groups, then the functions with the most self time. */
export function formatSummary(title: string, s: ProfileSummary): string {
  const lines = [
    `${title}: ${(s.busyMs / 1000).toFixed(1)} s busy, ${(s.idleMs / 1000).toFixed(1)} s idle`,
  ];
  for (const g of s.groups) {
    lines.push(`  ${g.share.toFixed(1).padStart(5)}%  ${g.group}`);
  }
  lines.push('  top self time:');
  for (const f of s.top) {
    lines.push(`  ${f.share.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}  [${f.group}]`);
  }
  return lines.join('\n');
}
