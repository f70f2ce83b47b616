/**
 * The Prometheus metrics of the metrics contract (see README). Engine counters
 * live natively; one snapshot is read per scrape and turned into counter
 * increments, so every value in a scrape comes from the same instant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Counter, Histogram, Registry } from 'prom-client';

import type { DisconnectCause } from './connection';
import { invalidArg } from './errors';
import type { ServerStats } from './server';
import { HANDSHAKE_RESULTS, type HandshakeInfo } from './tls';

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
  jsCalls: 'iocp_tcp_js_calls_total',
  jsEvents: 'iocp_tcp_js_events_total',
  rejected: 'iocp_tcp_connections_rejected_total',
  acceptErrors: 'iocp_tcp_accept_errors_total',
  receivedBytes: 'iocp_tcp_received_bytes_total',
  sentBytes: 'iocp_tcp_sent_bytes_total',
  disconnects: 'iocp_tcp_disconnects_total',
  duration: 'iocp_tcp_connection_duration_seconds',
  info: 'iocp_tcp_info',
  tlsHandshakes: 'iocp_tcp_tls_handshakes_total',
  tlsHandshakeDuration: 'iocp_tcp_tls_handshake_duration_seconds',
  tlsNegotiated: 'iocp_tcp_tls_negotiated_total',
  tlsCertificateNotAfter: 'iocp_tcp_tls_certificate_not_after_seconds',
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
  'buffer_budget',
  'tls_error',
  'error',
];

/** Rejection reasons, each series present from the first scrape. */
export const REJECT_REASONS = ['max_connections'] as const;

/** Why a connection was reset at once instead of served. */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Histogram buckets of connection lifetimes, in seconds. */
export const DURATION_BUCKETS = [0.001, 0.01, 0.1, 1, 10, 60, 300, 1800, 3600];

/** Histogram buckets of TLS handshake times (from accept to done), in seconds. */
export const HANDSHAKE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** TLS versions counted in iocp_tcp_tls_negotiated_total, each present from the first scrape. */
export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

/** What the metrics read: a server, or a stand-in in tests. */
export interface MetricsSource {
  stats(): ServerStats;
  readonly maxConnections: number;
  readonly draining: boolean;
  /** The backend that runs; null before listen() (iocp_tcp_info then says `none`). */
  readonly backend: string | null;
  /** TLS: when the serving certificate expires, in Unix seconds; null without TLS (no series then). */
  readonly tlsCertificateNotAfter?: number | null;
  on(event: 'disconnect', listener: (cause: DisconnectCause, durationSeconds: number) => void): unknown;
  on(event: 'tlsHandshake', listener: (info: HandshakeInfo) => void): unknown;
  off(event: 'disconnect', listener: (cause: DisconnectCause, durationSeconds: number) => void): unknown;
  off(event: 'tlsHandshake', listener: (info: HandshakeInfo) => void): unknown;
}

/** Options of {@link registerMetrics}. */
export interface MetricsOptions {
  /**
   * Value of a `server` label on every series. Needed to put several servers
   * on one registry: either one server without it, or any number, each with
   * its own name.
   */
  server?: string;
}

/** This package's version, for iocp_tcp_info. */
export const VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;

/** One registered server and what its counters have shown so far. */
interface Member {
  source: MetricsSource;
  labels: Record<string, string>;  // {} or { server }
  snapshot: () => ServerStats;
  shown: Map<string, number>;  // series key -> native total already added
  removers: (() => void)[];  // take this server's counter series away
}

/** The iocp-tcp metrics of one registry and the servers they read. */
interface Group {
  named: boolean;
  members: Member[];
  duration: Histogram;
  // TLS, counted from each server's 'tlsHandshake' events.
  handshakes: Counter;
  handshakeDuration: Histogram;
  negotiated: Counter;
}

const groups = new WeakMap<Registry, Group>();

/**
 * Registers the iocp-tcp metrics of `source` (a {@link Server}) on `registry`;
 * the backend and version labels of `iocp_tcp_info` come from the server and
 * this package. For several servers on one registry give each a
 * `{ server: name }`: every series then carries that label. Returns a function
 * that takes this server's series off the registry again.
 */
export function registerMetrics(registry: Registry, source: MetricsSource, options: MetricsOptions = {}): () => void {
  if (typeof options !== 'object' || options === null) {
    throw invalidArg('registerMetrics(registry, server[, { server }]): the backend and version now come from the server');
  }
  const { server } = options;
  if (server !== undefined && (typeof server !== 'string' || server === '')) throw invalidArg('server must be a non-empty string');
  let group = groups.get(registry);
  // A registry cleared by its owner has lost our metrics: start again.
  if (group && registry.getSingleMetric(METRIC_NAMES.accepted) === undefined) group = undefined;
  if (group) {
    if (group.members.some((member) => member.source === source)) throw invalidArg('this server\'s metrics are already on this registry');
    if (!group.named || server === undefined) {
      throw invalidArg('iocp-tcp metrics are already on this registry: to register several servers, give each { server: name }');
    }
    if (group.members.some((member) => member.labels.server === server)) throw invalidArg(`a server named ${server} is already on this registry`);
  } else {
    group = createMetrics(registry, server !== undefined);
    groups.set(registry, group);
  }
  const labels: Record<string, string> = server === undefined ? {} : { server };
  const member: Member = { source, labels, snapshot: scrapeSnapshot(source), shown: new Map(), removers: [] };
  const { members, duration, handshakes, handshakeDuration, negotiated } = group;
  members.push(member);
  const observe = (_cause: DisconnectCause, seconds: number): void => duration.observe(labels, seconds);
  source.on('disconnect', observe);
  // Every result and version at 0 from the first scrape, as for the causes.
  for (const result of HANDSHAKE_RESULTS) handshakes.inc({ ...labels, result }, 0);
  for (const version of TLS_VERSIONS) negotiated.inc({ ...labels, version }, 0);
  const observeHandshake = (info: HandshakeInfo): void => {
    handshakes.inc({ ...labels, result: info.result });
    if (info.result !== 'ok') return;
    handshakeDuration.observe(labels, info.durationSeconds);
    negotiated.inc({ ...labels, version: info.protocol });
  };
  source.on('tlsHandshake', observeHandshake);
  return () => {
    const at = members.indexOf(member);
    if (at === -1) return;
    members.splice(at, 1);
    source.off('disconnect', observe);
    source.off('tlsHandshake', observeHandshake);
    for (const remove of member.removers) remove();
    if (server !== undefined) {
      duration.remove(labels);
      handshakeDuration.remove(labels);
      for (const result of HANDSHAKE_RESULTS) handshakes.remove({ ...labels, result });
      for (const version of TLS_VERSIONS) negotiated.remove({ ...labels, version });
    }
  };
}

/** The native total of one labelled series of a counter. */
interface Sample {
  labels?: Record<string, string>;
  value: number;
}

function createMetrics(registry: Registry, named: boolean): Group {
  // Loaded here, not at import: an app that never registers metrics does not pay for loading it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Counter, Gauge, Histogram } = require('prom-client') as typeof import('prom-client');
  const members: Member[] = [];
  const registers = [registry];
  const withServer = (labelNames: string[]): string[] => (named ? ['server', ...labelNames] : labelNames);
  // A counter that follows native totals: each scrape adds what a total grew;
  // a series appears at 0 from the first scrape that knows it.
  const counter = (name: string, help: string, labelNames: string[], read: (stats: ServerStats) => Sample[]): void => {
    new Counter({
      name,
      help,
      labelNames: withServer(labelNames),
      registers,
      collect() {
        for (const member of members) {
          for (const { labels = {}, value } of read(member.snapshot())) {
            const key = `${name}${JSON.stringify(labels)}`;
            const series = { ...member.labels, ...labels };
            if (!member.shown.has(key)) member.removers.push(() => this.remove(series));
            this.inc(series, Math.max(0, value - (member.shown.get(key) ?? 0)));
            member.shown.set(key, value);
          }
        }
      },
    });
  };
  const gauge = (name: string, help: string, labelNames: string[], read: (member: Member) => Sample[]): void => {
    new Gauge({
      name,
      help,
      labelNames: withServer(labelNames),
      registers,
      collect() {
        this.reset();  // a series no server reports any more (one unregistered, an old backend) must not linger
        for (const member of members) {
          for (const { labels = {}, value } of read(member)) this.set({ ...member.labels, ...labels }, value);
        }
      },
    });
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
  counter(METRIC_NAMES.overBudget, 'Time spent over --buffer-budget-bytes, the connections holding buffered bytes not reading.', [],
    (s) => [{ value: s.overBudgetSeconds }]);
  counter(METRIC_NAMES.jsCalls, 'Calls into JS that delivered engine events.', [], (s) => [{ value: s.jsCalls }]);
  counter(METRIC_NAMES.jsEvents, 'Engine events delivered to JS (per call: how well they batch).', [], (s) => [{ value: s.jsEvents }]);
  counter(METRIC_NAMES.threadAccepted, 'Connections each I/O thread has taken (they are handed out in turn).', ['thread'], (s) =>
    s.threads.map((thread, i) => ({ labels: { thread: String(i) }, value: thread.accepted })));
  gauge(METRIC_NAMES.buffered, 'Memory holding connection data: send queues and data JS has not taken.', [],
    (m) => [{ value: m.snapshot().bufferedBytes }]);
  gauge(METRIC_NAMES.threadActive, 'Open connections of each I/O thread.', ['thread'], (m) =>
    m.snapshot().threads.map((thread, i) => ({ labels: { thread: String(i) }, value: thread.open })));
  gauge(METRIC_NAMES.active, 'Open connections: accepted minus disconnects.', [], (m) => {
    const s = m.snapshot();
    return [{ value: s.accepted - DISCONNECT_CAUSES.reduce((sum, cause) => sum + s.disconnects[cause], 0) }];
  });
  gauge(METRIC_NAMES.max, 'The connection limit (--max-connections); 0 = unlimited.', [],
    (m) => [{ value: m.source.maxConnections }]);
  gauge(METRIC_NAMES.draining, '1 while a graceful stop drains open connections, else 0.', [],
    (m) => [{ value: m.source.draining ? 1 : 0 }]);
  gauge(METRIC_NAMES.info, 'Always 1; labels say what runs.', ['backend', 'version'],
    (m) => [{ labels: { backend: m.source.backend ?? 'none', version: VERSION }, value: 1 }]);
  gauge(METRIC_NAMES.tlsCertificateNotAfter, 'TLS: when the serving certificate expires (Unix time, seconds).', [],
    (m) => (m.source.tlsCertificateNotAfter == null ? [] : [{ value: m.source.tlsCertificateNotAfter }]));
  const duration = new Histogram({
    name: METRIC_NAMES.duration,
    help: 'Lifetime of closed connections.',
    labelNames: withServer([]),
    buckets: DURATION_BUCKETS,
    registers,
  });
  const handshakes = new Counter({
    name: METRIC_NAMES.tlsHandshakes,
    help: 'TLS handshakes by how they ended: ok, not_tls, protocol, timeout, aborted.',
    labelNames: withServer(['result']),
    registers,
  });
  const handshakeDuration = new Histogram({
    name: METRIC_NAMES.tlsHandshakeDuration,
    help: 'TLS: time from accept to a finished handshake.',
    labelNames: withServer([]),
    buckets: HANDSHAKE_BUCKETS,
    registers,
  });
  const negotiated = new Counter({
    name: METRIC_NAMES.tlsNegotiated,
    help: 'TLS handshakes done, by protocol version.',
    labelNames: withServer(['version']),
    registers,
  });
  return { named, members, duration, handshakes, handshakeDuration, negotiated };
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
