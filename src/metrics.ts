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
  'idle_timeout',
  'shutdown',
  'error',
];

/** Rejection reasons, each series present from the first scrape. */
export const REJECT_REASONS = ['max_connections'] as const;

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
  const counter = (name: string, help: string, series: Series[]): void => {
    followCounter(registers, snapshot, name, help, series);
  };
  counter(METRIC_NAMES.accepted, 'TCP connections accepted.', [{ read: (s) => s.accepted }]);
  counter(METRIC_NAMES.acceptErrors, 'Failed accepts (descriptor or memory exhaustion, ...).', [
    { read: (s) => s.acceptErrors },
  ]);
  counter(METRIC_NAMES.receivedBytes, 'Bytes received from peers.', [{ read: (s) => s.receivedBytes }]);
  counter(METRIC_NAMES.sentBytes, 'Bytes sent to peers.', [{ read: (s) => s.sentBytes }]);
  counter(
    METRIC_NAMES.rejected,
    'Connections closed at once instead of served, by reason.',
    REJECT_REASONS.map((reason) => ({ labels: { reason }, read: (s) => s.rejected[reason] })),
  );
  counter(
    METRIC_NAMES.disconnects,
    'Connections ended, by cause (one cause per connection).',
    DISCONNECT_CAUSES.map((cause) => ({ labels: { cause }, read: (s) => s.disconnects[cause] })),
  );

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

/** One labelled series of a counter and how to read its native total. */
interface Series {
  labels?: Record<string, string>;
  read: (stats: ServerStats) => number;
}

// A counter that follows a native total: each scrape adds what the total grew.
function followCounter(
  registers: Registry[],
  snapshot: () => ServerStats,
  name: string,
  help: string,
  series: Series[],
): void {
  const last = series.map(() => 0);
  const labelNames = Object.keys(series[0].labels ?? {});
  const counter = new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      series.forEach(({ labels = {}, read }, i) => {
        const now = read(snapshot());
        if (now > last[i]) this.inc(labels, now - last[i]);
        last[i] = now;
      });
    },
  });
  for (const { labels = {} } of series) counter.inc(labels, 0);
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
