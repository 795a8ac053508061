/** The logging surface fleet and Lambda code takes; `console` fits it, tests pass their own. */
export interface Logger {
  /** Routine detail, dropped unless the logger was asked for it (see `jsonLogger`'s `level`). */
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info';

/**
 * One JSON line per entry, the shape CloudWatch and journald both index well. `level` is the
 * least level written: `info` by default, so debug entries are dropped.
 */
export function jsonLogger(
  component: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  options: { level?: LogLevel } = {},
): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields }));
  return { debug: options.level === 'debug' ? log('debug') : () => {}, info: log('info'), warn: log('warn'), error: log('error') };
}

/** Drops everything; for tests that do not read logs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
