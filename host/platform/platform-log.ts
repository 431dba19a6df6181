/**
 * The platform layer's log: events with key=value fields on stderr (never stdout: in native-messaging
 * mode stdout is the browser's channel). Callers may pass their own sink; nothing here logs what the
 * customer types or copies.
 */
export interface PlatformLog {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
}

function line(level: string, event: string, fields: Record<string, unknown> = {}): string {
  const parts = Object.entries(fields).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`,
  );
  return `${new Date().toISOString()} ${level} ${event}${parts.length ? ' ' + parts.join(' ') : ''}\n`;
}

export const stderrLog: PlatformLog = {
  info: (event, fields) => process.stderr.write(line('info', event, fields)),
  warn: (event, fields) => process.stderr.write(line('warn', event, fields)),
};

export const silentPlatformLog: PlatformLog = { info() {}, warn() {} };
