import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** A host and port to listen on. */
export interface ListenAddress {
  host: string;
  port: number;
}

export type Role = 'all' | 'control' | 'edge';
export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Everything `portcullis serve` needs to start, validated. */
export interface ServeSettings {
  /** Absolute path of the data directory. Default `./data`. */
  dataDir: string;
  /** Control plane (API and dashboard). Default `127.0.0.1:8080`. */
  apiListen: ListenAddress;
  /** Data plane (the HTTPS edge). Default `127.0.0.1:8443`. */
  edgeListen: ListenAddress;
  /** Admin token to install instead of generating one. */
  adminToken: string | undefined;
  /** PostgreSQL URL; absent means embedded SQLite in the data directory. */
  databaseUrl: string | undefined;
  role: Role;
  logFormat: LogFormat;
  logLevel: LogLevel;
  /** Whether a new data directory gets the demo zone. */
  demo: boolean;
  /** Edge processes; more than one runs the edge as a cluster. Default: one per core. */
  edgeWorkers: number;
  /** Days firewall events are kept. Default 7. */
  eventRetentionDays: number;
  /** How often the configuration version is read besides notifications, ms. Default 1000. */
  pollIntervalMs: number;
  /** Seconds after which an edge that has not reported stops counting for revocations. */
  edgeTimeoutSeconds: number;
  /** How this edge names itself to the control plane. Default `<host name>:<edge port>`. */
  edgeName: string | undefined;
}

/** Flags as commander hands them over; every one is optional. */
export interface ServeFlags {
  dataDir?: string;
  apiListen?: string;
  edgeListen?: string;
  adminToken?: string;
  databaseUrl?: string;
  role?: string;
  logFormat?: string;
  logLevel?: string;
  demo?: boolean;
  edgeWorkers?: string;
  eventRetentionDays?: string;
  pollInterval?: string;
  edgeTimeout?: string;
  edgeName?: string;
}

/** A setting with a bad value: the message names the setting, the value and what is expected. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Shortest admin token accepted: a guessable token would open the whole control plane. */
export const MIN_ADMIN_TOKEN_LENGTH = 20;

const ROLES: readonly Role[] = ['all', 'control', 'edge'];
const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Reads the settings from flags, then the environment, then the defaults, and validates every
 * one before anything is opened or bound. Throws `SettingsError` for the first bad value.
 */
export function readSettings(flags: ServeFlags, env: NodeJS.ProcessEnv): ServeSettings {
  const pick = (flag: keyof ServeFlags, name: string): [string, string] | undefined => {
    const value = flags[flag];
    if (typeof value === 'string') return [value, `--${kebab(flag)}`];
    const fromEnv = env[name];
    return fromEnv === undefined || fromEnv === '' ? undefined : [fromEnv, name];
  };

  const dataDir = pick('dataDir', 'PORTCULLIS_DATA_DIR');
  const settings: ServeSettings = {
    dataDir: resolve(dataDir ? nonEmpty(...dataDir) : './data'),
    apiListen: parseListen(pick('apiListen', 'PORTCULLIS_API_LISTEN'), '127.0.0.1:8080'),
    edgeListen: parseListen(pick('edgeListen', 'PORTCULLIS_EDGE_LISTEN'), '127.0.0.1:8443'),
    adminToken: parseAdminToken(pick('adminToken', 'PORTCULLIS_ADMIN_TOKEN')),
    databaseUrl: parseDatabaseUrl(pick('databaseUrl', 'PORTCULLIS_DATABASE_URL')),
    role: oneOf(pick('role', 'PORTCULLIS_ROLE'), ROLES, 'all'),
    logFormat: oneOf(pick('logFormat', 'PORTCULLIS_LOG_FORMAT'), LOG_FORMATS, 'json'),
    logLevel: oneOf(pick('logLevel', 'PORTCULLIS_LOG_LEVEL'), LOG_LEVELS, 'info'),
    demo: flags.demo !== false,
    edgeWorkers: parseWorkers(pick('edgeWorkers', 'PORTCULLIS_EDGE_WORKERS')),
    eventRetentionDays: parseRetention(
      pick('eventRetentionDays', 'PORTCULLIS_EVENT_RETENTION_DAYS'),
    ),
    pollIntervalMs: wholeNumber(pick('pollInterval', 'PORTCULLIS_POLL_INTERVAL_MS'), 1000, {
      min: 50,
      max: 60_000,
      unit: 'milliseconds',
    }),
    edgeTimeoutSeconds: wholeNumber(pick('edgeTimeout', 'PORTCULLIS_EDGE_TIMEOUT_SECONDS'), 30, {
      min: 2,
      max: 86_400,
      unit: 'seconds',
    }),
    edgeName: pick('edgeName', 'PORTCULLIS_EDGE_NAME')?.[0],
  };
  if (settings.role !== 'all' && settings.databaseUrl === undefined) {
    throw new SettingsError(
      `--role ${settings.role} needs PostgreSQL shared with the other roles: ` +
        'set PORTCULLIS_DATABASE_URL=postgres://user@host:5432/database',
    );
  }
  if (
    settings.apiListen.port !== 0 &&
    settings.apiListen.port === settings.edgeListen.port &&
    settings.apiListen.host === settings.edgeListen.host
  ) {
    throw new SettingsError(
      `the API and the edge cannot both listen on ${formatListen(settings.apiListen)}`,
    );
  }
  return settings;
}

/** `host:port` for messages and URLs; IPv6 hosts in brackets. */
export function formatListen(a: ListenAddress): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

function parseListen(source: [string, string] | undefined, fallback: string): ListenAddress {
  const [value, name] = source ?? [fallback, 'default'];
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || !host || port > 65535) {
    throw new SettingsError(
      `${name}=${value}: expected host:port with a port from 0 to 65535, ` +
        `e.g. 127.0.0.1:8080 or [::1]:8080`,
    );
  }
  if (match[1] !== undefined && isIP(host) !== 6) {
    throw new SettingsError(`${name}=${value}: ${host} in brackets is not an IPv6 address`);
  }
  if (
    match[2] !== undefined &&
    isIP(host) === 0 &&
    !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)
  ) {
    throw new SettingsError(`${name}=${value}: ${host} is neither an IP address nor a host name`);
  }
  return { host, port };
}

/** Most edge workers accepted: past the core count they only add memory and contention. */
export const MAX_EDGE_WORKERS = 64;

function parseWorkers(source: [string, string] | undefined): number {
  if (!source) return availableParallelism();
  const [value, name] = source;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_EDGE_WORKERS) {
    throw new SettingsError(
      `${name}=${value}: expected a whole number from 1 to ${MAX_EDGE_WORKERS}`,
    );
  }
  return n;
}

/** Longest event retention accepted: ten years. */
export const MAX_RETENTION_DAYS = 3650;

function parseRetention(source: [string, string] | undefined): number {
  if (!source) return 7;
  const [value, name] = source;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_RETENTION_DAYS) {
    throw new SettingsError(`${name}=${value}: expected days from 1 to ${MAX_RETENTION_DAYS}`);
  }
  return n;
}

function wholeNumber(
  source: [string, string] | undefined,
  fallback: number,
  range: { min: number; max: number; unit: string },
): number {
  if (!source) return fallback;
  const [value, name] = source;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < range.min || n > range.max) {
    throw new SettingsError(
      `${name}=${value}: expected ${range.unit} from ${range.min} to ${range.max}`,
    );
  }
  return n;
}

function parseAdminToken(source: [string, string] | undefined): string | undefined {
  if (!source) return undefined;
  const [value, name] = source;
  // The value itself is never echoed: it is a secret even when it is a bad one.
  if (value.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new SettingsError(
      `${name}: the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters long`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new SettingsError(`${name}: the admin token may only hold printable ASCII, no spaces`);
  }
  return value;
}

function parseDatabaseUrl(source: [string, string] | undefined): string | undefined {
  if (!source) return undefined;
  const [value, name] = source;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(`${name}: not a URL; expected postgres://user@host:5432/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new SettingsError(
      `${name}: scheme ${url.protocol} is not supported; expected postgres:// or postgresql://`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  source: [string, string] | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (!source) return fallback;
  const [value, name] = source;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SettingsError(`${name}=${value}: expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function nonEmpty(value: string, name: string): string {
  if (value.trim() === '') throw new SettingsError(`${name}: the data directory path is empty`);
  return value;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
