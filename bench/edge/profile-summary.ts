/**
 * Reads V8 CPU profiles (`node --cpu-prof`) of the edge and says where its time goes: self
 * time per function, grouped into what the hot path is made of (TLS, HTTP parsing, rules,
 * forwarding, Portcullis's own code, garbage collection, native work outside JavaScript).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** Microseconds from the previous sample (the first: from startTime). */
  timeDeltas: number[];
}

/** Part of a profile to count, in ms from the start of the profile (the process start). */
export interface Window {
  fromMs: number;
  toMs: number;
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

const WRITES = 'socket writes';

/**
 * A native socket write is either to the client (through TLS: encryption, then the syscall)
 * or to the origin (plain TCP, from undici): the first JavaScript caller tells which.
 */
function writeTarget(node: ProfileNode, parents: ReadonlyMap<number, ProfileNode>): string {
  for (let p = parents.get(node.id); p; p = parents.get(p.id)) {
    const url = p.callFrame.url;
    if (url.includes('/undici/')) return 'socket writes to the origin (syscalls)';
    if (/^node:(_http|internal\/http2|_tls)/.test(url)) break;
  }
  return 'socket writes to the client (TLS encryption, syscalls)';
}

/** The group a function belongs to, from its URL (or, for natives, its name). */
export function groupOf(name: string, url: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)') return 'native outside JS (OpenSSL reads and handshakes, libuv)';
  if (name === '(idle)') return 'idle';
  if (url === '') {
    if (NATIVE_TLS.has(name)) return 'TLS';
    if (NATIVE_HTTP.has(name)) return 'HTTP parsing and writing';
    if (NATIVE_WRITE.has(name)) return WRITES;
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
  if (/^node:(_tls|tls|internal\/tls)/.test(url)) return 'TLS';
  if (/^node:(crypto|internal\/crypto)/.test(url)) return 'node crypto (random ids, hashes)';
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

/**
 * Sums self time over one or more profiles (a cluster writes one per worker), counting only
 * the samples inside `window` so that start-up (module loading) and shutdown stay out.
 */
export function summarise(paths: readonly string[], window?: Window, topN = 25): ProfileSummary {
  const byFunction = new Map<string, { name: string; where: string; group: string; ms: number }>();
  let idleMs = 0;
  let busyMs = 0;
  for (const path of paths) {
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parents = new Map<number, ProfileNode>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n);
    // Each sample counts for the sampling interval, not for the time since the previous one:
    // a thread descheduled by a busy machine would otherwise charge the wait to wherever it
    // resumed (often a socket write that woke the peer), which is wall time, not CPU time.
    const intervalMs = sampleIntervalMs(profile);
    const selfMs = new Map<number, number>();
    let atUs = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      atUs += profile.timeDeltas[i] ?? 0;
      if (window && (atUs / 1000 < window.fromMs || atUs / 1000 > window.toMs)) continue;
      const id = profile.samples[i]!;
      selfMs.set(id, (selfMs.get(id) ?? 0) + intervalMs);
    }
    for (const [id, ms] of selfMs) {
      const node = nodes.get(id)!;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = functionName || '(anonymous)';
      let group = groupOf(name, url);
      if (group === WRITES) group = writeTarget(node, parents);
      if (group === 'idle') {
        idleMs += ms;
        continue;
      }
      busyMs += ms;
      const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)';
      const key = `${name} ${where} ${group}`;
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

/** The profiler's sampling interval: the median time between samples (1 ms by default). */
function sampleIntervalMs(profile: CpuProfile): number {
  const deltas = profile.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  return (deltas[Math.floor(deltas.length / 2)] ?? 1000) / 1000;
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
