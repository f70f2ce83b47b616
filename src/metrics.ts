/**
 * The Prometheus metrics of the metrics contract (see README). Engine counters
 * live natively; one snapshot is read per scrape and turned into counter
 * increments, so every value in a scrape comes from the same instant.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { DisconnectCause } from './connection';
import type { ServerStats } from './server';

export const METRIC_NAMES = {
  accepted: 'iocp_tcp_connections_accepted_total',
  active: 'iocp_tcp_connections_active',
  max: 'iocp_tcp_connections_max',
  draining: 'iocp_tcp_draining',
  threadAccepted: 'iocp_tcp_io_thread_connections_accepted_total',
  threadActive: 'iocp_tcp_io_thread_connections_active',
  buffered: 'iocp_tcp_buffered_bytes',
  overBudget: 'iocp_tcp_buffer_budget_exceeded_seconds_total',
  recvBuffersExhausted: 'iocp_tcp_recv_buffer_exhausted_total',
  rejected: 'iocp_tcp_connections_rejected_total',
  acceptErrors: 'iocp_tcp_accept_errors_total',
  receivedBytes: 'iocp_tcp_received_bytes_total',
  sentBytes: 'iocp_tcp_sent_bytes_total',
  disconnects: 'iocp_tcp_disconnects_total',
  duration: 'iocp_tcp_connection_duration_seconds',
  info: 'iocp_tcp_info',
} as const;

/** Every disconnect cause, each series present from the first scrape. */
export const DISCONNECT_CAUSES: readonly DisconnectCause[] = [
  'peer_fin',
  'peer_reset',
  'local_close',
  'local_abort',
  'handler_error',
  'idle_timeout',
  'shutdown',
  'error',
];

/** Rejection reasons, each series present from the first scrape. */
export const REJECT_REASONS = ['max_connections'] as const;

/** Why a connection was reset at once instead of served. */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Histogram buckets of connection lifetimes, in seconds. */
export const DURATION_BUCKETS = [0.001, 0.01, 0.1, 1, 10, 60, 300, 1800, 3600];

/** What the metrics read: a server, or a stand-in in tests. */
export interface MetricsSource {
  stats(): ServerStats;
  readonly maxConnections: number;
  readonly draining: boolean;
  on(event: 'disconnect', listener: (cause: DisconnectCause, durationSeconds: number) => void): unknown;
}

/**
 * Registers the iocp-tcp metrics for `source` on `registry`. `backend` and
 * `version` label `iocp_tcp_info`.
 */
export function registerMetrics(registry: Registry, source: MetricsSource, backend: string, version: string): void {
  const snapshot = scrapeSnapshot(source);
  const registers = [registry];
  const atRegistration = source.stats();
  const counter = (name: string, help: string, labelNames: string[], read: (stats: ServerStats) => Sample[]): void => {
    followCounter(registers, snapshot, name, help, labelNames, read, atRegistration);
  };
  counter(METRIC_NAMES.accepted, 'TCP connections accepted.', [], (s) => [{ value: s.accepted }]);
  counter(METRIC_NAMES.acceptErrors, 'Failed accepts (descriptor or memory exhaustion, ...).', [], (s) => [
    { value: s.acceptErrors },
  ]);
  counter(METRIC_NAMES.receivedBytes, 'Bytes received from peers.', [], (s) => [{ value: s.receivedBytes }]);
  counter(METRIC_NAMES.sentBytes, 'Bytes sent to peers.', [], (s) => [{ value: s.sentBytes }]);
  counter(METRIC_NAMES.rejected, 'Connections closed at once instead of served, by reason.', ['reason'], (s) =>
    REJECT_REASONS.map((reason) => ({ labels: { reason }, value: s.rejected[reason] })));
  counter(METRIC_NAMES.disconnects, 'Connections ended, by cause (one cause per connection).', ['cause'], (s) =>
    DISCONNECT_CAUSES.map((cause) => ({ labels: { cause }, value: s.disconnects[cause] })));
  counter(METRIC_NAMES.recvBuffersExhausted, 'io_uring receives that ended because the buffer ring was empty (re-armed; nothing lost).', [],
    (s) => [{ value: s.recvBuffersExhausted }]);
  counter(METRIC_NAMES.overBudget, 'Time spent with reading paused because buffered bytes passed --buffer-budget-bytes.', [],
    (s) => [{ value: s.overBudgetSeconds }]);
  new Gauge({
    name: METRIC_NAMES.buffered,
    help: 'Memory holding connection data: send queues and data JS has not taken.',
    registers,
    collect() {
      this.set(snapshot().bufferedBytes);
    },
  });
  counter(METRIC_NAMES.threadAccepted, 'Connections each I/O thread has taken (they are handed out in turn).', ['thread'], (s) =>
    s.threads.map((thread, i) => ({ labels: { thread: String(i) }, value: thread.accepted })));
  new Gauge({
    name: METRIC_NAMES.threadActive,
    help: 'Open connections of each I/O thread.',
    labelNames: ['thread'],
    registers,
    collect() {
      snapshot().threads.forEach((thread, i) => this.set({ thread: String(i) }, thread.open));
    },
  });

  new Gauge({
    name: METRIC_NAMES.active,
    help: 'Open connections: accepted minus disconnects.',
    registers,
    collect() {
      const s = snapshot();
      this.set(s.accepted - DISCONNECT_CAUSES.reduce((sum, cause) => sum + s.disconnects[cause], 0));
    },
  });
  new Gauge({
    name: METRIC_NAMES.max,
    help: 'The connection limit (--max-connections); 0 = unlimited.',
    registers,
    collect() {
      this.set(source.maxConnections);
    },
  });
  new Gauge({
    name: METRIC_NAMES.draining,
    help: '1 while a graceful stop drains open connections, else 0.',
    registers,
    collect() {
      this.set(source.draining ? 1 : 0);
    },
  });
  const duration = new Histogram({
    name: METRIC_NAMES.duration,
    help: 'Lifetime of closed connections.',
    buckets: DURATION_BUCKETS,
    registers,
  });
  source.on('disconnect', (_cause, seconds) => duration.observe(seconds));
  new Gauge({ name: METRIC_NAMES.info, help: 'Always 1; labels say what runs.', labelNames: ['backend', 'version'], registers })
    .set({ backend, version }, 1);
}

/** The native total of one labelled series of a counter. */
interface Sample {
  labels?: Record<string, string>;
  value: number;
}

// A counter that follows native totals: each scrape adds what a total grew.
// The series of `initial` are shown at 0 from the first scrape.
function followCounter(
  registers: Registry[],
  snapshot: () => ServerStats,
  name: string,
  help: string,
  labelNames: string[],
  read: (stats: ServerStats) => Sample[],
  initial: ServerStats,
): void {
  const last = new Map<string, number>();
  const counter = new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      for (const { labels = {}, value } of read(snapshot())) {
        const key = JSON.stringify(labels);
        // inc(0) shows a series that appears later (a thread's) at once.
        this.inc(labels, Math.max(0, value - (last.get(key) ?? 0)));
        last.set(key, value);
      }
    },
  });
  for (const { labels = {} } of read(initial)) counter.inc(labels, 0);
}

// prom-client calls every metric's collect() in one synchronous pass per
// scrape: read the engine once in that pass and forget it afterwards.
function scrapeSnapshot(source: MetricsSource): () => ServerStats {
  let cached: ServerStats | undefined;
  return () => {
    if (cached === undefined) {
      cached = source.stats();
      queueMicrotask(() => (cached = undefined));
    }
    return cached;
  };
}
