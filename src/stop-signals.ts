/**
 * Every way the service is asked to stop, as one callback: SIGINT and SIGTERM,
 * and on Windows the console control events (CTRL_C, CTRL_BREAK, CTRL_CLOSE,
 * CTRL_LOGOFF, CTRL_SHUTDOWN — `docker stop` sends the last, which Node itself
 * never reports).
 */
import { loadNative } from './native';

/** Calls `onStop` with the signal or event name each time a stop is requested. */
export function onStopRequest(onStop: (name: string) => void): void {
  process.on('SIGINT', () => onStop('SIGINT'));
  process.on('SIGTERM', () => onStop('SIGTERM'));
  if (process.platform === 'win32') loadNative().watchConsoleStop(onStop);
}

/**
 * The console events whose wait Windows ends before `drainTimeoutMs`: for
 * CLOSE, LOGOFF and SHUTDOWN it ends the process once its limit has passed,
 * drained or not. Empty elsewhere.
 */
export function consoleStopsCutShort(drainTimeoutMs: number): Record<string, number> {
  const limits = loadNative().consoleStopLimits();
  if (!limits) return {};
  const byEvent = { CTRL_CLOSE: limits.close, CTRL_LOGOFF: limits.logoff, CTRL_SHUTDOWN: limits.shutdown };
  return Object.fromEntries(Object.entries(byEvent).filter(([, limitMs]) => limitMs < drainTimeoutMs));
}
