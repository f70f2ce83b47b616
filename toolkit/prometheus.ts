// Reading the service's /metrics: a Prometheus text-format parser, the
// iocp_tcp_* series of the metrics contract picked out into snapshots, and
// deltas between snapshots. Used by the integration suite, the soak and the bench.
import http from 'node:http';
import type { Endpoint } from './service';

export type { Endpoint };

/** Disconnect causes of the metrics contract. */
export const CAUSES = [
  'peer_fin', 'peer_reset', 'local_close', 'local_abort', 'handler_error', 'idle_timeout', 'shutdown', 'buffer_budget', 'tls_error', 'error',
] as const;
export type Cause = (typeof CAUSES)[number];

export const M = {
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
  received: 'iocp_tcp_received_bytes_total',
  sent: 'iocp_tcp_sent_bytes_total',
  disconnects: 'iocp_tcp_disconnects_total',
  duration: 'iocp_tcp_connection_duration_seconds',
  info: 'iocp_tcp_info',
  /** prom-client's default process metric (not part of the iocp_tcp contract). */
  resident: 'process_resident_memory_bytes',
} as const;

export interface HttpResult {
  status: number;
  contentType: string;
  body: string;
}

/** GET `path` on the metrics server, without keep-alive (it must not hold the service open). */
export function httpGet(ep: Endpoint, path: string, timeoutMs = 5000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: ep.host, port: ep.port, path, agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(parts).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** One sample line of the text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parsed exposition: samples plus the `# TYPE` of each family. */
export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
}

function parseLabels(s: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0 || s[eq + 1] !== '"') throw new Error(`bad labels in ${JSON.stringify(line)}`);
    const key = s.slice(i, eq).trim();
    let j = eq + 2;
    let value = '';
    while (j < s.length && s[j] !== '"') {
      if (s[j] === '\\') {
        const c = s[j + 1];
        value += c === 'n' ? '\n' : c;
        j += 2;
      } else {
        value += s[j++];
      }
    }
    if (j >= s.length) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
    labels[key] = value;
    i = j + 1;
    while (i < s.length && (s[i] === ',' || s[i] === ' ')) i++;
  }
  return labels;
}

/** A sample value; like Prometheus (Go's ParseFloat), NaN and Inf in any letter case. */
function parseValue(s: string): number {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return s === '' ? NaN : Number(s);
}

/** Parse Prometheus text format 0.0.4. Throws on a line it cannot read. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m) types.set(m[1], m[2]);
      continue;
    }
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      const close = line.lastIndexOf('}');
      if (close < brace) throw new Error(`bad sample line ${JSON.stringify(line)}`);
      name = line.slice(0, brace);
      labels = parseLabels(line.slice(brace + 1, close), line);
      rest = line.slice(close + 1).trim();
    } else {
      if (space < 0) throw new Error(`bad sample line ${JSON.stringify(line)}`);
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const text = rest.split(/\s+/)[0];
    const value = parseValue(text);
    if (Number.isNaN(value) && text.toLowerCase() !== 'nan') {
      throw new Error(`bad sample value in ${JSON.stringify(line)}`);
    }
    samples.push({ name, labels, value });
  }
  return { samples, types };
}

/** The contract's series at one scrape. A missing series reads as NaN, so any check on it fails. */
export interface Snapshot {
  accepted: number;
  active: number;
  rejected: number;
  acceptErrors: number;
  received: number;
  sent: number;
  durationCount: number;
  causes: Record<Cause, number>;
  /** Resident memory of the service (prom-client's process metric). */
  resident: number;
  /** Labels of iocp_tcp_info. */
  backend?: string;
  version?: string;
  /** Date.now() when the scrape was sent. */
  at: number;
  exposition: Exposition;
}

/** Value of the single sample `name` with exactly-matching `labels` (subset match), or NaN. */
export function value(exp: Exposition, name: string, labels: Record<string, string> = {}): number {
  const hit = exp.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return hit ? hit.value : NaN;
}

function sum(exp: Exposition, name: string): number {
  return exp.samples.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0);
}

/** Scrape /metrics once and pick out the contract's series. */
export async function scrape(service: { metrics: Endpoint }, timeoutMs = 5000): Promise<Snapshot> {
  const at = Date.now();
  const res = await httpGet(service.metrics, '/metrics', timeoutMs);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.body.slice(0, 200)}`);
  const exp = parseExposition(res.body);
  const info = exp.samples.find((s) => s.name === M.info);
  const causes = {} as Record<Cause, number>;
  for (const c of CAUSES) causes[c] = value(exp, M.disconnects, { cause: c });
  return {
    accepted: value(exp, M.accepted),
    active: value(exp, M.active),
    rejected: sum(exp, M.rejected),
    acceptErrors: value(exp, M.acceptErrors),
    received: value(exp, M.received),
    sent: value(exp, M.sent),
    durationCount: value(exp, `${M.duration}_count`),
    causes,
    resident: value(exp, M.resident),
    backend: info?.labels.backend,
    version: info?.labels.version,
    at,
    exposition: exp,
  };
}

/** Change between two snapshots. */
export type Delta = Omit<Snapshot, 'exposition' | 'backend' | 'version'>;

export function delta(before: Snapshot, after: Snapshot): Delta {
  const causes = {} as Record<Cause, number>;
  for (const c of CAUSES) causes[c] = after.causes[c] - before.causes[c];
  return {
    accepted: after.accepted - before.accepted,
    active: after.active - before.active,
    rejected: after.rejected - before.rejected,
    acceptErrors: after.acceptErrors - before.acceptErrors,
    received: after.received - before.received,
    sent: after.sent - before.sent,
    durationCount: after.durationCount - before.durationCount,
    causes,
    resident: after.resident - before.resident,
    at: after.at - before.at,
  };
}

export function totalDisconnects(causes: Record<Cause, number>): number {
  return CAUSES.reduce((a, c) => a + causes[c], 0);
}

/** accepted − Σ disconnects − active; 0 when the invariant holds. */
export function invariantGap(s: Pick<Snapshot, 'accepted' | 'active' | 'causes'>): number {
  return s.accepted - totalDisconnects(s.causes) - s.active;
}

