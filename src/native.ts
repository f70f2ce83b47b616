/**
 * The only module that loads the native addon (through node-gyp-build: a local
 * build in build/Release wins, else the prebuild for this platform).
 */
import { join } from 'node:path';

/** Event types in the records the engine delivers, as numbered in engine.h. */
export const EVENT = { open: 0, data: 1, end: 2, drain: 3, close: 4, stopped: 5, acceptFailed: 6 } as const;

/** Numbers per event record: type, id, number, number2, errno. */
export const RECORD_SIZE = 5;

/**
 * Positions in the Float64Array returned by `stats()`; disconnects by cause
 * follow, then (accepted, closed) of each I/O thread.
 */
export const STATS = {
  accepted: 0,
  acceptErrors: 1,
  rejectedMaxConnections: 2,
  receivedBytes: 3,
  sentBytes: 4,
  bufferedBytes: 5,
  overBudgetSeconds: 6,
  recvBuffersExhausted: 7,
  firstCause: 8,
} as const;

/** Options of the native engine. */
export interface NativeEngineOptions {
  backend: string;
  ioThreads: number;
  handler: 'echo' | 'js';
  writeHighWater: number;
  maxConnections: number;
  idleTimeoutMs: number;
  bufferBudgetBytes: number;
}

/** Handle on a native engine; every call returns at once. */
export interface NativeEngine {
  readonly backend: string;
  listen(host: string, port: number): { address: string; port: number; family: string };
  write(id: number, data: Buffer, notifyDrain: boolean): void;
  end(id: number, data?: Buffer): void;
  /** Resets; cause `handler_error` when `handlerError`, else `local_abort`. */
  destroy(id: number, handlerError?: boolean): void;
  pause(id: number): void;
  /** (id, bytes) pairs of data JS has taken; reading pauses while too much waits in JS. */
  ack(pairs: Float64Array): void;
  resume(id: number): void;
  close(drainMs: number): void;
  join(): void;
  stats(): Float64Array;
}

/** The addon's exports. */
export interface NativeBinding {
  Engine: new (
    options: NativeEngineOptions,
    onEvents: (records: Float64Array, extras: Array<string | Buffer>) => void,
  ) => NativeEngine;
  /** Disconnect cause names, indexed as in the close records and stats. */
  causes: string[];
  /** Windows: calls back with the console control event's name; false elsewhere. */
  watchConsoleStop(callback: (event: string) => void): boolean;
}

let binding: NativeBinding | undefined;

/**
 * Loads the addon once. IOCP_TCP_ADDON=<path to a .node> loads that build
 * instead (the sanitizer lane uses it); otherwise node-gyp-build picks.
 */
export function loadNative(): NativeBinding {
  const override = process.env.IOCP_TCP_ADDON;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  binding ??= (override ? require(override) : require('node-gyp-build')(join(__dirname, '..'))) as NativeBinding;
  return binding;
}
