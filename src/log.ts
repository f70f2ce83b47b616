/**
 * A tiny JSON-lines logger: one object per line with `time`, `level`, `msg`
 * and the caller's fields. Lines below the configured level are dropped.
 */
import { LOG_LEVELS, type LogLevel } from './config';

/** Writes log lines at or above a level. */
export interface Logger {
  /** The minimum level this logger writes. */
  readonly level: LogLevel;
  /** Logs detail useful only while debugging. */
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** Logs a normal event (listening, shutting down, ...). */
  info(msg: string, fields?: Record<string, unknown>): void;
  /** Logs something unexpected that the service survives. */
  warn(msg: string, fields?: Record<string, unknown>): void;
  /** Logs a failure. */
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** JSON replacer: Errors become `{ message, code, stack }`, bigints become strings. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { code } = value as NodeJS.ErrnoException;
    return { message: value.message, code, stack: value.stack };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Formats one log line. `time`, `level` and `msg` come first and cannot be
 * overwritten by fields; fields that cannot be serialized (e.g. a cycle) are
 * replaced by a `logError` note so that logging never throws.
 */
function formatLine(level: LogLevel, msg: string, fields?: Record<string, unknown>): string {
  const head = { time: new Date().toISOString(), level, msg };
  try {
    return JSON.stringify({ ...head, ...fields, ...head }, replacer) + '\n';
  } catch (err) {
    const logError = `fields not serializable: ${(err as Error).message}`;
    return JSON.stringify({ ...head, logError }) + '\n';
  }
}

/**
 * Creates a JSON-lines logger.
 *
 * @param level - minimum level written; calls below it are dropped
 * @param write - receives each line, newline included; defaults to `process.stdout.write`
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => {
    process.stdout.write(line);
  },
): Logger {
  const min = LOG_LEVELS.indexOf(level);
  const drop = (): void => {};
  const method = (at: LogLevel) =>
    LOG_LEVELS.indexOf(at) < min
      ? drop
      : (msg: string, fields?: Record<string, unknown>): void => write(formatLine(at, msg, fields));
  return {
    level,
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
  };
}
