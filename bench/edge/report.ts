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

/** How each figure that the rounds measure is read from one side's round. */
const PICK: Readonly<Record<Exclude<keyof Figures, 'revokeToBlockMs'>, (r: SideRound) => number>> =
  {
    keepAliveRps: (r) => r.keepAlive.rps,
    rpsPerCpuSecond: (r) => r.keepAlive.rpsPerCpu,
    handshakesPerSecond: (r) => r.handshakes.perSecond,
    handshakesPerCpuSecond: (r) => r.handshakes.perCpuSecond,
    p99HalfLoadMs: (r) => r.halfLoad.p99Ms,
    halfLoadRps: (r) => r.halfLoad.rps,
  };

/** The median of each figure over the rounds. */
export function figuresOf(rounds: readonly Round[], side: Side, revocation: Revocation): Figures {
  const figures = { revokeToBlockMs: revocation.ms } as Figures;
  for (const [key, pick] of Object.entries(PICK)) {
    figures[key as keyof typeof PICK] = median(rounds.map((r) => pick(r[side])));
  }
  return figures;
}

/**
 * Portcullis/nginx for each figure: the median of the ratios of the rounds, each round
 * measuring both sides a few seconds apart, so that a machine busier in one round than in
 * another moves both sides together. For times, above 1 means Portcullis is slower.
 */
export function ratios(
  rounds: readonly Round[],
  p: Figures,
  n: Figures,
): Record<keyof Figures, number | null> {
  const out = {
    revokeToBlockMs:
      p.revokeToBlockMs === null || n.revokeToBlockMs === null || !(n.revokeToBlockMs > 0)
        ? null
        : p.revokeToBlockMs / n.revokeToBlockMs,
  } as Record<keyof Figures, number | null>;
  for (const [key, pick] of Object.entries(PICK)) {
    out[key as keyof typeof PICK] = median(
      rounds.map((r) => pick(r.portcullis) / pick(r.nginx)).filter((x) => Number.isFinite(x)),
    );
  }
  return out;
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
export function formatTable(
  p: Figures,
  n: Figures,
  r: Record<keyof Figures, number | null>,
): string {
  const fmt = (v: number | null, digits: number) =>
    v === null || Number.isNaN(v) ? 'n/a' : v.toFixed(digits);
  const head = ['median of the rounds', 'Portcullis', 'nginx', 'Portcullis/nginx'];
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
