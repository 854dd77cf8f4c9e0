/**
 * The processes of the edge benchmark: started in their own process group so that a proxy
 * and the workers it forks can be ended together by the group's id, tracked so that every one
 * of them is ended on the way out (failure included), and measured in CPU time from /proc.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** A started process with what it printed, for error messages and banners. */
export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

const running = new Set<Started>();

/** Starts `command` in its own process group and keeps it until {@link stopAll}. */
export function start(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Started {
  const child = spawn(command, args, { ...options, detached: true, stdio: 'pipe' });
  if (child.pid === undefined) throw new Error(`starting ${name}: no pid (${command})`);
  let text = '';
  const keep = (chunk: Buffer) => {
    // Only the last few kilobytes: a proxy that logs under load must not fill memory.
    text = (text + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const started: Started = { name, child, pid: child.pid, output: () => text, exited };
  running.add(started);
  void exited.then(() => running.delete(started));
  return started;
}

/** Ends one started process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(p: Started, graceMs = 5_000): Promise<void> {
  if (!running.has(p)) return;
  signalGroup(p.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(p.pid, 'SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
  // Workers of the group that outlived their parent.
  signalGroup(p.pid, 'SIGKILL');
}

/** Ends every process this benchmark started, in reverse order of starting. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].reverse().map((p) => stop(p, 3_000)));
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs a command to its end and returns its output; rejects on a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = start(command, command, args, options);
    let stdout = '';
    let stderr = '';
    p.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    p.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => void stop(p, 1_000), options.timeoutMs ?? 120_000);
    void p.exited.then((code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')}: exit ${code}\n${stderr || stdout}`));
    });
  });
}

const TICKS_PER_SECOND = 100; // USER_HZ; fixed at 100 on Linux for /proc/<pid>/stat

/** User plus system CPU seconds used so far by `pid` and every process below it. */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    ticks.set(stat.pid, stat.ticks);
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  let total = 0;
  const queue = [pid];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    total += ticks.get(next) ?? 0;
    queue.push(...(children.get(next) ?? []));
  }
  return total / TICKS_PER_SECOND;
}

/** How many processes make up the tree under `pid`, itself included. */
export function treeSize(pid: number): number {
  let n = 0;
  const stats = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => readStat(Number(e)))
    .filter((s) => s !== undefined);
  const queue = [pid];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    n++;
    for (const s of stats) if (s.ppid === next) queue.push(s.pid);
  }
  return n;
}

function readStat(pid: number): { pid: number; ppid: number; ticks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); ppid is field 4, utime 14, stime 15.
  return {
    pid,
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}
