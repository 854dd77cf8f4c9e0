/**
 * The edge benchmark's figures: medians over the rounds, the ratios Portcullis/nginx, the
 * table printed at the end and the JSON kept in bench/results/.
 */
import type { HandshakeResult, KeepAliveResult } from './load.ts';

export type Side = 'portcullis' | 'nginx';
export const SIDES: readonly Side[] = ['portcullis', 'nginx'];

/** Everything measured of one side in one round. */
export interface SideRound {
  keepAlive: KeepAliveResult;
  handshakes: HandshakeResult;
  halfLoad: KeepAliveResult & { targetRps: number };
}

export type Round = Record<Side, SideRound>;

/** The figures the benchmark reports for each side. */
export interface Figures {
  keepAliveRps: number;
  rpsPerCpuSecond: number;
  handshakesPerSecond: number;
  handshakesPerCpuSecond: number;
  p99HalfLoadMs: number;
  halfLoadRps: number;
  revokeToBlockMs: number | null;
}

export interface Revocation {
  ms: number | null;
  /** Whether the first blocked request came over a connection opened before the revocation. */
  onOpenConnection: boolean | null;
  how: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of each figure over the rounds. */
export function figuresOf(rounds: readonly Round[], side: Side, revocation: Revocation): Figures {
  const of = (pick: (r: SideRound) => number) => median(rounds.map((r) => pick(r[side])));
  return {
    keepAliveRps: of((r) => r.keepAlive.rps),
    rpsPerCpuSecond: of((r) => r.keepAlive.rpsPerCpu),
    handshakesPerSecond: of((r) => r.handshakes.perSecond),
    handshakesPerCpuSecond: of((r) => r.handshakes.perCpuSecond),
    p99HalfLoadMs: of((r) => r.halfLoad.p99Ms),
    halfLoadRps: of((r) => r.halfLoad.rps),
    revokeToBlockMs: revocation.ms,
  };
}

/** Portcullis/nginx for each figure; for times, above 1 means Portcullis is slower. */
export function ratios(p: Figures, n: Figures): Record<keyof Figures, number | null> {
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null || !(b > 0) ? null : a / b;
  return {
    keepAliveRps: ratio(p.keepAliveRps, n.keepAliveRps),
    rpsPerCpuSecond: ratio(p.rpsPerCpuSecond, n.rpsPerCpuSecond),
    handshakesPerSecond: ratio(p.handshakesPerSecond, n.handshakesPerSecond),
    handshakesPerCpuSecond: ratio(p.handshakesPerCpuSecond, n.handshakesPerCpuSecond),
    p99HalfLoadMs: ratio(p.p99HalfLoadMs, n.p99HalfLoadMs),
    halfLoadRps: ratio(p.halfLoadRps, n.halfLoadRps),
    revokeToBlockMs: ratio(p.revokeToBlockMs, n.revokeToBlockMs),
  };
}

const ROWS: readonly { key: keyof Figures; label: string; digits: number }[] = [
  { key: 'keepAliveRps', label: 'keep-alive requests/s', digits: 0 },
  { key: 'rpsPerCpuSecond', label: 'requests per proxy CPU-second', digits: 0 },
  { key: 'handshakesPerSecond', label: 'full mTLS handshakes/s', digits: 0 },
  { key: 'handshakesPerCpuSecond', label: 'full handshakes per proxy CPU-second', digits: 0 },
  { key: 'p99HalfLoadMs', label: 'p99 latency at half load, ms (lower is better)', digits: 2 },
  { key: 'halfLoadRps', label: '  (half load: requests/s offered and served)', digits: 0 },
  { key: 'revokeToBlockMs', label: 'revoke call → first blocked request, ms', digits: 0 },
];

/** The table of both sides and the ratios, as printed at the end of a run. */
export function formatTable(p: Figures, n: Figures): string {
  const r = ratios(p, n);
  const fmt = (v: number | null, digits: number) =>
    v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(digits);
  const head = ['', 'Portcullis', 'nginx', 'Portcullis/nginx'];
  const body = ROWS.map((row) => [
    row.label,
    fmt(p[row.key], row.digits),
    fmt(n[row.key], row.digits),
    fmt(r[row.key], 2),
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((line) => line[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
