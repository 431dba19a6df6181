/**
 * The server's log: one line per event on stderr, `time level event key=value...`. Never logs
 * secrets (tokens, passwords, join codes) or what customers type.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLog(
  minLevel: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
): Log {
  const emit = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const parts = Object.entries(fields).map(
      ([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`,
    );
    write(`${new Date().toISOString()} ${level} ${event}${parts.length ? ' ' + parts.join(' ') : ''}\n`);
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
  };
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
