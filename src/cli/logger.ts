import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './settings.ts';

/**
 * Field paths that may carry secrets; pino replaces their values before a line is written.
 * The code never logs these on purpose: this is the net under that rule.
 */
const REDACT = [
  'req.headers.authorization',
  'headers.authorization',
  '*.authorization',
  '*.adminToken',
  '*.secret',
  '*.privateKey',
  '*.private_key',
  '*.password',
];

/**
 * The process logger: one JSON event per line on stderr (stdout carries what `serve` prints
 * for people), or coloured lines with `pretty` for someone at a terminal. Components take a
 * child: `logger.child({ component: 'api' })`.
 */
export function createLogger(format: LogFormat, level: LogLevel): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (format === 'pretty') {
    return pino(options, pretty({ destination: 2, sync: true, ignore: 'pid,hostname' }));
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}
