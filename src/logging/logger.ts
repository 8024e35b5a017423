// Structured logs: the logger shape kubefake writes to, and the pino loggers the CLI and `logLevel` create (stderr).
import { pino } from 'pino';
import { textDestination } from './text-format.js';

export const logLevels = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logFormats = ['json', 'text'] as const;
export type LogFormat = (typeof logFormats)[number];

/**
 * What kubefake needs of a logger. A pino instance (or child) of the caller's fits; kept structural so a pino with
 * custom levels, or a test's fake, is accepted without pino's generics getting in the way.
 */
export interface Logger {
  isLevelEnabled(level: string): boolean;
  error(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  debug(fields: object, message?: string): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** `json` (pino's lines, the default) or `text` (apiserver-like klog lines). */
  format?: LogFormat;
  /** Where lines go; stderr by default so stdout keeps only the lines scripts parse. */
  stream?: { write(chunk: string): unknown };
}

export function createLogger({ level, format = 'json', stream }: LoggerOptions): Logger {
  if (format === 'text') return pino({ level }, textDestination(stream ?? process.stderr));
  // Synchronous writes: the CLI exits with process.exit() on a signal, and buffered lines would be lost.
  return pino({ level }, stream ?? pino.destination({ fd: 2, sync: true }));
}

/** Errors as logError reports them, for a logger; `what` names where the error came from. */
export function errorReporter(logger: Logger, what: string): (err: unknown) => void {
  return (err) => logger.error({ err }, what);
}
