/**
 * The only module that loads the native addon (through node-gyp-build: a local
 * build in build/Release wins, else the prebuild for this platform).
 */
import { join } from 'node:path';

import { ERROR_CODES, IocpTcpError } from './errors';
import { currentHost, describeLoadFailure } from './platforms';
import type { EngineTlsOptions } from './tls';

/** Event types in the records the engine delivers, as numbered in engine.h. */
export const EVENT = { open: 0, data: 1, end: 2, drain: 3, close: 4, stopped: 5, acceptFailed: 6, timeout: 7, rejected: 8, handshake: 9 } as const;

/**
 * Numbers per event record: type, id, number, number2, errno, bytes sent
 * (data, end, drain, close). A data record's bytes are bytes [number,
 * number + number2) of the delivery's region.
 */
export const RECORD_SIZE = 6;

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
  jsCalls: 8,
  jsEvents: 9,
  firstCause: 10,
} as const;

/** Options of the native engine. */
export interface NativeEngineOptions {
  backend: string;
  ioThreads: number;
  handler: 'echo' | 'js';
  /** JS handlers: the engine's one worker runs on the JS thread (see ServerOptions.inline). */
  inline: boolean;
  writeHighWater: number;
  maxConnections: number;
  idleTimeoutMs: number;
  bufferBudgetBytes: number;
  bufferBudgetGraceMs: number;
  noDelay: boolean;
  keepAlive: KeepAliveSeconds;
  /** Every connection TLS (see ServerOptions.tls); the engine makes its OpenSSL context from these. */
  tls?: EngineTlsOptions;
}

/** Keepalive as the engine takes it: [enable (0/1), idle s, interval s, probes]; 0 = system default. */
export type KeepAliveSeconds = [enable: number, idleS: number, intervalS: number, probes: number];

/** Handle on a native engine; every call returns at once. */
export interface NativeEngine {
  readonly backend: string;
  listen(host: string, port: number): { address: string; port: number; family: string };
  /**
   * What JS did in one tick, in order: the first `commandCount` (kind, id,
   * flag, cause) quads of `commands` — kind 0 write, 1 end, 2 destroy, 3
   * pause, 4 resume; flag: notify drain; cause: an index of `causes` or -1 —
   * the Buffer of each write and end by command index, and the first
   * `ackCount` (id, bytes) pairs of `acks`: data JS has taken (threaded mode;
   * see CommandQueue). The engine takes what it needs during the call.
   */
  submit(commands: Float64Array, commandCount: number, payloads: Array<Buffer | undefined>, acks: Float64Array, ackCount: number): void;
  setNoDelay(id: number, on: boolean): void;
  setKeepAlive(id: number, ...keepAlive: KeepAliveSeconds): void;
  /** A timeout event after `ms` without traffic; 0 = off. */
  setTimeout(id: number, ms: number): void;
  /** Whether the engine keeps the process alive (it does by default). */
  ref(on: boolean): void;
  /** Whether each connection reset for maxConnections is reported (off by default). */
  reportRejections(on: boolean): void;
  /** TLS: new connections get this context; throws (ERR_IOCP_TCP_TLS) if OpenSSL refuses it. */
  setTls(options: EngineTlsOptions): void;
  /** TLS: when the certificate new connections get expires (Unix seconds); null without TLS. */
  tlsNotAfter(): number | null;
  close(drainMs: number): void;
  join(): void;
  stats(): Float64Array;
}

/** The addon's exports. */
export interface NativeBinding {
  /**
   * `onEvents` gets each batch of events: the first `count` records of
   * `records`, `extras` (undefined when the batch has no open, failed accept
   * or rejection), and `region`, the bytes of its data events. `records` and
   * `region` are valid during the call only: the engine reuses them.
   */
  Engine: new (
    options: NativeEngineOptions,
    onEvents: (records: Float64Array, count: number, extras: string[] | undefined, region: ArrayBuffer | undefined) => void,
  ) => NativeEngine;
  /** Disconnect cause names, indexed as in the close records and stats. */
  causes: string[];
  /** Windows: calls back with the console control event's name; false elsewhere. */
  watchConsoleStop(callback: (event: string) => void): boolean;
  /** Windows: how long it lets a console handler block per event, in ms; null elsewhere. */
  consoleStopLimits(): { close: number; logoff: number; shutdown: number } | null;
  /**
   * Tests only, present only when the process started with
   * IOCP_TCP_TEST_CONSOLE_EVENTS=1: calls the console handler from a new
   * thread, as Windows does, and `onReturn` with its result if it returns.
   */
  testCallConsoleHandler?(event: string, onReturn: (result: boolean) => void): void;
}

let binding: NativeBinding | undefined;

/**
 * Loads the addon once. IOCP_TCP_ADDON=<path to a .node> loads that build
 * instead (the sanitizer lane uses it); otherwise node-gyp-build picks.
 */
export function loadNative(): NativeBinding {
  const override = process.env.IOCP_TCP_ADDON;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding ??= (override ? require(override) : require('node-gyp-build')(join(__dirname, '..'))) as NativeBinding;
  } catch (err) {
    const reason = (err as Error).message;
    if (override) throw new IocpTcpError(ERROR_CODES.ADDON, `IOCP_TCP_ADDON=${override} does not load: ${reason}`);
    throw new IocpTcpError(ERROR_CODES.ADDON, describeLoadFailure(currentHost(), reason));
  }
  return binding;
}
