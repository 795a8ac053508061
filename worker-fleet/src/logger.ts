/** The logging surface fleet and Lambda code takes; `console` fits it, tests pass their own. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry, the shape CloudWatch and journald both index well. */
export function jsonLogger(component: string, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields }));
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Drops everything; for tests that do not read logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
