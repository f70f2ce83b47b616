#!/usr/bin/env node
// `npm run soak`: a bounded soak test of the echo service. It drives a mix of
// traffic for --seconds, checks every echoed byte against what was sent, then
// checks the service's /metrics against what the clients did, and exits 1 on
// any loss or failed check (0 when all pass, 2 for bad arguments).
//
//   npm run soak -- --seconds 30
//       spawn the service (dist/cli.js on 127.0.0.1, ports 0), stop it at the end
//   npm run soak -- --seconds 30 --target 127.0.0.1:8090 --metrics 127.0.0.1:9464
//       use a running service (it must run the native `echo` handler, and
//       nothing else may use it meanwhile: the counter checks are exact)
//   npm run soak -- --launch '["env","-u","NODE_OPTIONS","wine","/x/node.exe"]' \
//       --stop-signal SIGINT --timeout-scale 4
//       spawn through a launcher (Windows node.exe under Wine)
//   npm run soak -- --seconds 30 -- --backend epoll
//       arguments after `--` go to the spawned service
//
// The mix, each kind a few concurrent loops, each loop bounded in count and
// time, each connection bounded by a deadline:
//   churn       connect, 1-4 round trips of 1 B..64 KiB, FIN, read to EOF, close
//   reset       connect, one full round trip (the whole echo is back), then RST
//   half-close  write 256 KiB..4 MiB and FIN at once, read it all back, EOF
//   stall       write without reading for 1-3 s, honouring 'drain': at least
//               2..4 MiB, and on until the client's writes block (every buffer
//               on the way full); then read it all back, FIN, EOF
//   idle        --idle connections opened first and silent all run long, then
//               one round trip each and a graceful close
// No client ever leaves data unechoed (resets come only after the whole echo
// arrived), so the server's received and sent byte counters must both move by
// exactly the bytes the clients sent.
//
// Everything stays on loopback: a target or metrics address that is not a
// loopback address is refused.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage =
  "usage: npm run soak -- [--seconds N] [--target host:port --metrics host:port] [--launch '<json array>'] " +
  '[--idle K] [--rss-margin-mib M] [--stop-signal SIGTERM|SIGINT] [--timeout-scale X] [--seed S] [--without K,...] ' +
  '[-- <extra service args>]';
const help = `${usage}

Bounded soak test of the iocp-tcp echo service: a mix of churn, reset,
half-close, stalled-reader and idle connections for --seconds, every echoed
byte compared with what was sent, then the service's /metrics checked
against what the clients did. Exit 0 when every check passes, 1 otherwise,
2 for bad arguments.

  --seconds N           how long the traffic mix runs (default 30)
  --target host:port    a running echo service (loopback only; with --metrics)
  --metrics host:port   its metrics endpoint (loopback only; with --target)
  --launch <json>       how to start the spawned service: a JSON array of
                        strings put before dist/cli.js (default [node])
  --idle K              idle connections held all run long (default 2000)
  --rss-margin-mib M    allowed resident memory growth after the run (default 32)
  --stop-signal SIG     SIGTERM (default) or SIGINT (Wine) to stop the service
  --timeout-scale X     multiply every deadline (slow launchers such as Wine)
  --seed S              seed of the random sizes and data (default: random)
  --without K[,K]       leave kinds out of the mix: churn, reset, half-close, stall
                        (the Wine lane leaves out reset: Wine loses RSTs)
  -- <args>             extra arguments for the spawned service
                        (e.g. -- --backend epoll)

Needs one descriptor per connection in this process and in the service
(the idle connections plus about 20 more); the spawned service refuses
connections beyond its --max-connections (default 10000).`;

function bad(message) {
  process.stderr.write(`soak: ${message}\n${usage}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- arguments

/** Soft limit of open files of this process (Linux), else a safe guess. */
function fdLimit() {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall through
  }
  return 20000;
}

/** Host of a loopback address, or undefined. `localhost` means 127.0.0.1. */
function loopbackHost(host) {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return '127.0.0.1';
  if (net.isIPv4(h) && h.split('.')[0] === '127') return h;
  if (net.isIPv6(h) && (h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h) || /^::ffff:127\./i.test(h))) return h;
  return undefined;
}

function parseEndpoint(flag, value) {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value);
  if (!m) bad(`${flag} must be host:port, got ${JSON.stringify(value)}`);
  const port = Number(m[2]);
  if (!(port >= 1 && port <= 65535)) bad(`${flag}: port must be 1 to 65535, got ${m[2]}`);
  const host = loopbackHost(m[1]);
  if (!host) bad(`${flag} ${value}: refusing a non-loopback host; the soak only drives services on loopback (127.0.0.0/8, ::1)`);
  return { host, port };
}

const MIX_KINDS = ['churn', 'reset', 'half-close', 'stall'];

function parseKinds(value) {
  const kinds = value.split(',');
  const unknown = kinds.filter((k) => !MIX_KINDS.includes(k));
  if (unknown.length > 0) bad(`--without takes ${MIX_KINDS.join(', ')}; got ${unknown.join(', ')}`);
  return kinds;
}

function parseNumber(flag, value, { min, max, integer }) {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    bad(`${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function parseArgs(argv) {
  const raw = {};
  let extra;
  const flags = [
    '--seconds', '--target', '--metrics', '--launch', '--idle', '--rss-margin-mib', '--stop-signal',
    '--timeout-scale', '--seed', '--without',
  ];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      extra = argv.slice(i + 1);
      break;
    }
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${help}\n`);
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!flags.includes(flag)) bad(`unknown argument ${JSON.stringify(arg)}`);
    if (flag in raw) bad(`${flag} given twice`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) bad(`${flag} needs a value`);
    raw[flag] = value;
  }
  const maxIdle = Math.max(0, fdLimit() - 1000);
  const opts = {
    seconds: raw['--seconds'] === undefined ? 30 : parseNumber('--seconds', raw['--seconds'], { min: 1, max: 86400 }),
    idle: raw['--idle'] === undefined ? Math.min(2000, maxIdle)
      : parseNumber('--idle', raw['--idle'], { min: 0, max: maxIdle, integer: true }),
    rssMarginMiB: raw['--rss-margin-mib'] === undefined ? 32
      : parseNumber('--rss-margin-mib', raw['--rss-margin-mib'], { min: 0, max: 1 << 20 }),
    scale: raw['--timeout-scale'] === undefined ? 1
      : parseNumber('--timeout-scale', raw['--timeout-scale'], { min: 0.1, max: 1000 }),
    seed: raw['--seed'] === undefined ? (Math.random() * 2 ** 32) >>> 0
      : parseNumber('--seed', raw['--seed'], { min: 0, max: 2 ** 32 - 1, integer: true }),
    stopSignal: raw['--stop-signal'] ?? 'SIGTERM',
    without: raw['--without'] === undefined ? [] : parseKinds(raw['--without']),
    extra: extra ?? [],
    launch: [process.execPath],
  };
  if (!['SIGTERM', 'SIGINT'].includes(opts.stopSignal)) bad(`--stop-signal must be SIGTERM or SIGINT, got ${opts.stopSignal}`);
  if (('--target' in raw) !== ('--metrics' in raw)) bad('--target and --metrics go together');
  if ('--target' in raw) {
    opts.target = parseEndpoint('--target', raw['--target']);
    opts.metrics = parseEndpoint('--metrics', raw['--metrics']);
    if ('--launch' in raw) bad('--launch is for a spawned service; it does not go with --target');
    if (extra !== undefined) bad('extra service arguments (after --) are for a spawned service; they do not go with --target');
    if ('--stop-signal' in raw) bad('--stop-signal is for a spawned service; it does not go with --target');
  }
  if ('--launch' in raw) {
    let launch;
    try {
      launch = JSON.parse(raw['--launch']);
    } catch (err) {
      bad(`--launch is not JSON: ${err.message}`);
    }
    if (!Array.isArray(launch) || launch.length === 0 || !launch.every((s) => typeof s === 'string' && s !== '')) {
      bad('--launch must be a non-empty JSON array of strings, e.g. \'["node"]\'');
    }
    opts.launch = launch;
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const ms = (base) => Math.ceil(base * opts.scale);
const sleep = (n) => new Promise((r) => setTimeout(r, n));

// ---------------------------------------------------------------- formatting

function fmtBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

const log = (line) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------- random data

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KiB = 1024;
const MiB = 1024 * KiB;
// Every payload is a slice of this pool at a random offset: no copies, and a
// byte that comes back from the wrong place or the wrong connection shows.
const POOL_SIZE = 16 * MiB;
const STALL_MAX_BYTES = 32 * MiB;
const pool = (() => {
  const buf = Buffer.allocUnsafe(POOL_SIZE);
  const words = new Uint32Array(buf.buffer, buf.byteOffset, POOL_SIZE / 4);
  const r = prng(opts.seed ^ 0xa5a5a5a5);
  for (let i = 0; i < words.length; i++) words[i] = (r() * 4294967296) >>> 0;
  return buf;
})();

const intBetween = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
/** Log-uniform size in [lo, hi]: small messages as often as large ones. */
const logSize = (r, lo, hi) => Math.min(hi, Math.max(lo, Math.floor(lo * Math.exp(r() * Math.log((hi + 1) / lo)))));
const payload = (r, n) => {
  const off = intBetween(r, 0, POOL_SIZE - n);
  return pool.subarray(off, off + n);
};

// ---------------------------------------------------------------- metrics

function httpGet(ep, path, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: ep.host, port: ep.port, path, agent: false, headers: { connection: 'close' }, timeout: timeoutMs },
      (res) => {
        const parts = [];
        res.on('data', (d) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Prometheus text format 0.0.4 → [{ name, labels, value }]. Throws on a line it cannot read. */
function parseProm(text) {
  const samples = [];
  const lineRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
  const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = lineRe.exec(line);
    if (!m) throw new Error(`unreadable metrics line ${JSON.stringify(line)}`);
    const labels = {};
    if (m[2]) {
      labelRe.lastIndex = 0;
      let lm;
      let end = 0;
      while ((lm = labelRe.exec(m[2])) !== null) {
        labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
        end = labelRe.lastIndex;
      }
      if (end !== m[2].trim().length && m[2].slice(end).trim() !== '') {
        throw new Error(`unreadable labels in ${JSON.stringify(line)}`);
      }
    }
    const v = m[3];
    const value = /^[+-]?inf$/i.test(v) ? (v.startsWith('-') ? -Infinity : Infinity) : /^nan$/i.test(v) ? NaN : Number(v);
    if (Number.isNaN(value) && !/^nan$/i.test(v)) throw new Error(`bad value in ${JSON.stringify(line)}`);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

const CAUSES = ['peer_fin', 'peer_reset', 'local_close', 'local_abort', 'idle_timeout', 'shutdown', 'error'];

/** One scrape of the series the checks use. A missing series reads as NaN, so checks on it fail. */
async function scrape(ep) {
  const res = await httpGet(ep, '/metrics', ms(10000));
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const samples = parseProm(res.body);
  const one = (name) => samples.find((s) => s.name === name)?.value ?? NaN;
  const causes = {};
  for (const c of CAUSES) causes[c] = NaN;
  for (const s of samples) if (s.name === 'iocp_tcp_disconnects_total') causes[s.labels.cause] = s.value;
  const rejected = samples.filter((s) => s.name === 'iocp_tcp_connections_rejected_total');
  return {
    at: Date.now(),
    accepted: one('iocp_tcp_connections_accepted_total'),
    active: one('iocp_tcp_connections_active'),
    received: one('iocp_tcp_received_bytes_total'),
    sent: one('iocp_tcp_sent_bytes_total'),
    acceptErrors: one('iocp_tcp_accept_errors_total'),
    rejected: rejected.length ? rejected.reduce((a, s) => a + s.value, 0) : NaN,
    rss: one('process_resident_memory_bytes'),
    backend: samples.find((s) => s.name === 'iocp_tcp_info')?.labels.backend,
    version: samples.find((s) => s.name === 'iocp_tcp_info')?.labels.version,
    causes,
  };
}

const sumCauses = (causes) => Object.values(causes).reduce((a, v) => a + v, 0);
const invariantGap = (s) => s.accepted - sumCauses(s.causes) - s.active;

// ---------------------------------------------------------------- the spawned service

let service; // { child, dir, outFile, errFile, exited: Promise, exit?: {code, signal} }

function readOr(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function serviceLogs(lines = 20) {
  if (!service) return '';
  const tail = (f) => readOr(f).split('\n').slice(-lines - 1).join('\n');
  return `  command: ${JSON.stringify(service.command)}\n  --- stdout (tail) ---\n${tail(service.outFile)}\n` +
    `  --- stderr (tail) ---\n${tail(service.errFile)}`;
}

async function startService() {
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-soak-'));
  const outFile = join(dir, 'stdout.log');
  const errFile = join(dir, 'stderr.log');
  // Files, not pipes: node.exe under Wine fails writing to a pipe.
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const args = [
    ...opts.launch.slice(1), join(root, 'dist', 'cli.js'),
    '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0',
    ...opts.extra,
  ];
  const command = [opts.launch[0], ...args];
  const child = spawn(opts.launch[0], args, { cwd: root, stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  service = { child, dir, outFile, errFile, command };
  service.exited = new Promise((res) => {
    child.once('exit', (code, signal) => res((service.exit = { code, signal })));
    child.once('error', (e) => res((service.exit = { code: null, signal: null, error: e.message })));
  });
  const deadline = Date.now() + ms(30000);
  for (;;) {
    for (const line of readOr(outFile).split('\n')) {
      if (!line.includes('"listening"')) continue;
      try {
        const obj = JSON.parse(line);
        if (obj.msg === 'listening' && typeof obj.port === 'number' && typeof obj.metricsPort === 'number') {
          return { obj, tcp: { host: '127.0.0.1', port: obj.port }, metrics: { host: '127.0.0.1', port: obj.metricsPort } };
        }
      } catch {
        // a line still being written
      }
    }
    if (service.exit) throw new Error(`the service exited before listening (${JSON.stringify(service.exit)})`);
    if (Date.now() > deadline) throw new Error(`no "listening" log line within ${ms(30000)} ms`);
    await sleep(50);
  }
}

/** Sends the stop signal; resolves with the exit, or undefined if it took longer than `timeoutMs`. */
async function stopService(timeoutMs) {
  if (!service.exit) service.child.kill(opts.stopSignal);
  let timer;
  const result = await Promise.race([service.exited, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  if (!result) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
  return result;
}

process.on('exit', () => {
  if (service && !service.exit) service.child.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`soak: ${sig}: stopping`);
    if (service && !service.exit) service.child.kill(opts.stopSignal);
    process.exit(1);
  });
}

// ---------------------------------------------------------------- connections

const KINDS = ['churn', 'reset', 'half-close', 'stall', 'idle'];
const stats = {};
for (const k of KINDS) stats[k] = { started: 0, opened: 0, ok: 0, lost: 0, resets: 0 };
const totals = { sent: 0, received: 0, verified: 0 };
// Stalled readers: bytes written while not reading, and how many stalls filled
// every buffer on the way (the client had to wait for 'drain' until the stall ended).
const stallStats = { unread: 0, blocked: 0 };
const losses = []; // first few, for the summary
const lossReasons = new Map();
const live = new Set();
let target; // { host, port }

class Loss extends Error {
  constructor(reason, detail) {
    super(`${reason}: ${detail}`);
    this.reason = reason;
  }
}

/**
 * A client connection that checks every byte it receives against what it
 * sent, in order, as it arrives (nothing is kept but references to the
 * pool slices not yet echoed).
 */
class Conn {
  static next = 0;

  constructor(kind) {
    this.id = ++Conn.next;
    this.kind = kind;
    this.sent = 0;
    this.received = 0;
    this.verified = 0;
    this.queue = [];
    this.qOff = 0;
    this.mismatch = undefined;
    this.connected = false;
    this.eof = false;
    this.closed = false;
    this.error = undefined;
    this.timedOut = false;
    this.waiters = [];
    stats[kind].started++;
    const s = (this.socket = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true }));
    s.on('connect', () => {
      this.connected = true;
      stats[kind].opened++;
      this.notify();
    });
    s.on('data', (d) => {
      this.check(d);
      this.notify();
    });
    s.on('end', () => {
      this.eof = true;
      this.notify();
    });
    s.on('drain', () => this.notify());
    s.on('error', (e) => {
      this.error ??= e;
      this.notify();
    });
    s.on('close', () => {
      this.closed = true;
      live.delete(this);
      this.disarm();
      this.notify();
    });
    live.add(this);
  }

  /** Start this connection's deadline: when it passes, every wait fails with a timeout. */
  arm(timeoutMs) {
    this.disarm();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.notify();
    }, timeoutMs);
  }

  disarm() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  notify() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  check(d) {
    this.received += d.length;
    totals.received += d.length;
    if (this.mismatch) return;
    let off = 0;
    while (off < d.length) {
      const head = this.queue[0];
      if (!head) {
        this.mismatch = `${d.length - off} bytes more came back than were sent (after ${this.verified} B)`;
        return;
      }
      const n = Math.min(head.length - this.qOff, d.length - off);
      const got = d.subarray(off, off + n);
      const want = head.subarray(this.qOff, this.qOff + n);
      if (!got.equals(want)) {
        let i = 0;
        while (got[i] === want[i]) i++;
        this.mismatch = `byte ${this.verified + i} differs: got ${got[i]}, sent ${want[i]}`;
        return;
      }
      off += n;
      this.qOff += n;
      this.verified += n;
      totals.verified += n;
      if (this.qOff === head.length) {
        this.queue.shift();
        this.qOff = 0;
      }
    }
  }

  /** Queue `buf` for sending; false when the caller should wait for 'drain'. */
  write(buf) {
    this.queue.push(buf);
    this.sent += buf.length;
    totals.sent += buf.length;
    return this.socket.write(buf);
  }

  /**
   * Resolves once `pred()` holds (re-checked on every socket event and at
   * `wakeAt`); rejects on a byte mismatch, a socket error, the deadline, or an
   * EOF (unless `eofOk`) or close that came first.
   */
  until(pred, what, wakeAt, eofOk = false) {
    return new Promise((resolve, reject) => {
      let wake;
      const done = (err) => {
        clearTimeout(wake);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (this.mismatch) return done(new Loss('mismatch', this.mismatch));
        if (pred()) return done();
        if (this.error) return done(new Loss(`error ${this.error.code ?? ''}`.trim(), `${this.error.message} (waiting for ${what})`));
        if (this.timedOut) return done(new Loss('timeout', `deadline passed waiting for ${what}`));
        if (this.eof && !eofOk) return done(new Loss('early EOF', `EOF while waiting for ${what}`));
        if (this.closed) return done(new Loss('closed', `closed while waiting for ${what}`));
        this.waiters.push(check);
      };
      // Timers may fire a millisecond early by Date.now(): re-arm until wakeAt has passed.
      const arm = () => {
        wake = setTimeout(() => (Date.now() >= wakeAt ? this.notify() : arm()), Math.max(1, wakeAt - Date.now()));
      };
      if (wakeAt !== undefined) arm();
      check();
    });
  }

  connect() {
    return this.until(() => this.connected, 'connect');
  }

  /** Everything sent has come back. */
  echoed(what = 'the echo') {
    return this.until(() => this.received >= this.sent, what);
  }

  async roundTrip(buf) {
    this.write(buf);
    await this.echoed(`the echo of ${buf.length} B`);
  }

  async waitDrain(wakeAt) {
    if (!this.socket.writableNeedDrain) return;
    const pred = wakeAt === undefined
      ? () => !this.socket.writableNeedDrain
      : () => !this.socket.writableNeedDrain || Date.now() >= wakeAt;
    await this.until(pred, "'drain'", wakeAt);
  }

  /** FIN, read to EOF, all bytes back, then the socket closed. */
  async finish() {
    this.socket.end();
    await this.until(() => this.eof, 'EOF');
    if (this.received !== this.sent) {
      throw new Loss('short echo', `EOF after ${this.received} of ${this.sent} B`);
    }
    this.socket.destroy();
    await this.until(() => this.closed, 'close', undefined, true);
  }
}

function recordLoss(c, err) {
  stats[c.kind].lost++;
  const reason = err instanceof Loss ? err.reason : 'exception';
  lossReasons.set(`${c.kind}: ${reason}`, (lossReasons.get(`${c.kind}: ${reason}`) ?? 0) + 1);
  if (losses.length < 20) {
    losses.push(`${c.kind} #${c.id}: ${err.message} (sent ${c.sent} B, received ${c.received} B, verified ${c.verified} B)`);
  }
  if (!c.closed) c.socket.destroy();
}

async function runConn(kind, scenario, r, timeoutMs) {
  const c = new Conn(kind);
  c.arm(timeoutMs);
  try {
    await c.connect();
    await scenario(c, r);
    if (c.received !== c.sent || c.verified !== c.sent) {
      throw new Loss('length', `sent ${c.sent} B, received ${c.received} B`);
    }
    stats[kind].ok++;
    return true;
  } catch (err) {
    recordLoss(c, err);
    return false;
  } finally {
    c.disarm();
  }
}

const scenarios = {
  async churn(c, r) {
    const trips = intBetween(r, 1, 4);
    for (let i = 0; i < trips; i++) await c.roundTrip(payload(r, logSize(r, 1, 64 * KiB)));
    await c.finish();
  },

  async reset(c, r) {
    await c.roundTrip(payload(r, logSize(r, 1, 64 * KiB)));
    // Everything sent has come back, so nothing is left unechoed: reset now.
    stats.reset.resets++;
    c.socket.resetAndDestroy();
    await c.until(() => c.closed, 'close after reset');
  },

  async 'half-close'(c, r) {
    c.write(payload(r, intBetween(r, 256 * KiB, 4 * MiB)));
    await c.finish();
  },

  async stall(c, r) {
    // Not reading for 1-3 s while writing at least 2-4 MiB, and on until every
    // buffer on the way is full and the client's write blocks ('drain' does not
    // come before the stall ends), at most STALL_MAX_BYTES: loopback buffers
    // here take ~9 MiB before that, so the server's echo must stop reading.
    const size = intBetween(r, 2 * MiB, 4 * MiB);
    const stallUntil = Date.now() + intBetween(r, 1000, 3000);
    c.socket.pause();
    let written = 0;
    let blocked = false;
    while (!blocked && written < STALL_MAX_BYTES && Date.now() < stallUntil) {
      c.write(payload(r, 64 * KiB));
      written += 64 * KiB;
      await c.waitDrain(stallUntil);
      blocked = c.socket.writableNeedDrain;
    }
    if (!blocked && Date.now() < stallUntil) await c.until(() => Date.now() >= stallUntil, 'the end of the stall', stallUntil);
    stallStats.unread += written;
    if (blocked) stallStats.blocked++;
    c.socket.resume();
    while (written < size) {
      const n = Math.min(64 * KiB, size - written);
      c.write(payload(r, n));
      written += n;
      await c.waitDrain();
    }
    await c.finish();
  },
};

/** Runs `scenario` on one connection after another until `endAt` or `maxIterations`. */
async function loop(kind, index, maxIterations, timeoutMs, endAt) {
  const r = prng((opts.seed + Math.imul(KINDS.indexOf(kind) * 100 + index + 1, 0x9e3779b9)) >>> 0);
  for (let i = 0; i < maxIterations && Date.now() < endAt; i++) {
    // After a loss, pause a little: a service that refuses everything is not hammered in a tight loop.
    if (!(await runConn(kind, scenarios[kind], r, timeoutMs))) await sleep(50);
  }
}

/** Runs `fn` over `items` with at most `width` at a time. */
async function eachLimited(items, width, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

// ---------------------------------------------------------------- main

const checks = [];
function check(ok, what, detail = '') {
  checks.push({ ok: Boolean(ok), what, detail });
}

function finishRun() {
  log('\nchecks:');
  for (const c of checks) log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}${c.detail ? ` (${c.detail})` : ''}`);
  const passed = checks.filter((c) => c.ok).length;
  const failed = checks.length - passed;
  if (service && (failed > 0) && !service.kept) {
    log(`service logs kept in ${service.dir}`);
    service.kept = true;
  } else if (service) {
    rmSync(service.dir, { recursive: true, force: true });
  }
  log(`soak: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

async function main() {
  const t0 = Date.now();
  // A last resort: whatever hangs, the run ends.
  const hardLimitMs = opts.seconds * 1000 + ms(300000) + opts.idle * 20;
  setTimeout(() => {
    log(`soak: the run overran its hard limit of ${Math.round(hardLimitMs / 1000)} s; giving up`);
    check(false, 'the run ended within its hard limit');
    for (const c of live) c.socket.destroy();
    if (service && !service.exit) service.child.kill('SIGKILL');
    finishRun();
  }, hardLimitMs).unref();

  let metricsEp;
  if (opts.target) {
    target = opts.target;
    metricsEp = opts.metrics;
    log(`soak: target ${target.host}:${target.port}, metrics ${metricsEp.host}:${metricsEp.port}`);
  } else {
    log(`soak: starting ${JSON.stringify([...opts.launch, 'dist/cli.js', ...opts.extra])}`);
    try {
      const started = await startService();
      target = started.tcp;
      metricsEp = started.metrics;
      const o = started.obj;
      check(true, 'service started', `backend ${o.backend}, handler ${o.handler}, ${o.ioThreads} I/O threads, ` +
        `in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (o.handler && o.handler !== 'echo') log(`soak: warning: the service runs handler ${o.handler}, not the native echo`);
    } catch (err) {
      check(false, 'service started', err.message);
      log(serviceLogs());
      finishRun();
    }
    log(`soak: service on ${target.host}:${target.port}, metrics on ${metricsEp.host}:${metricsEp.port}`);
  }

  let before;
  try {
    before = await scrape(metricsEp);
  } catch (err) {
    check(false, 'metrics readable before the run', err.message);
    if (service) await stopService(ms(20000));
    finishRun();
  }
  log(`soak: backend ${before.backend}, version ${before.version}, ${opts.seconds} s, ${opts.idle} idle connections, ` +
    `seed ${opts.seed}; rss before ${fmtBytes(before.rss)}`);

  // Sample /metrics every second: peak RSS, the invariant in every scrape.
  const sampling = { count: 1, errors: 0, lastError: '', gaps: [], peakRss: before.rss, last: before, busy: false };
  if (invariantGap(before) !== 0) sampling.gaps.push(`before: ${invariantGap(before)}`);
  const sampleOnce = async () => {
    if (sampling.busy) return;
    sampling.busy = true;
    try {
      const s = await scrape(metricsEp);
      sampling.count++;
      sampling.last = s;
      if (s.rss > sampling.peakRss) sampling.peakRss = s.rss;
      const gap = invariantGap(s);
      if (gap !== 0 && sampling.gaps.length < 10) sampling.gaps.push(`at ${((s.at - t0) / 1000).toFixed(0)} s: ${gap}`);
    } catch (err) {
      sampling.errors++;
      sampling.lastError = err.message;
    } finally {
      sampling.busy = false;
    }
  };
  const sampler = setInterval(sampleOnce, 1000);

  let phase = 'idle connections';
  let phaseStart = Date.now();
  const progress = setInterval(() => {
    const s = sampling.last;
    const kinds = KINDS.map((k) => {
      const n = k === 'idle' && phase !== 'settling' ? `${stats.idle.opened - stats.idle.lost} open` : stats[k].ok;
      return `${k} ${n}${stats[k].lost ? ` (${stats[k].lost} lost)` : ''}`;
    }).join(', ');
    log(`[${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s] ${phase}: ${kinds}; ` +
      `verified ${fmtBytes(totals.verified)}; client fds ${live.size}; server active ${s.active}, rss ${fmtBytes(s.rss)}`);
  }, 5000);

  // Idle connections first, at most 200 connecting at once (listen backlog).
  const idle = [];
  const idleOpen = async () => {
    const c = new Conn('idle');
    idle.push(c);
    c.arm(ms(30000));
    try {
      await c.connect();
      c.disarm();
    } catch (err) {
      recordLoss(c, err);
      c.failed = true;
    }
  };
  await eachLimited(Array.from({ length: opts.idle }), 200, idleOpen);
  log(`soak: ${stats.idle.opened} idle connections open in ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);

  // The mix.
  phase = 'mix';
  phaseStart = Date.now();
  const endAt = phaseStart + opts.seconds * 1000;
  const loops = [];
  const plan = [
    // kind, loops, iterations per loop at most, deadline per connection
    ['churn', 8, Math.ceil(opts.seconds * 5000), ms(20000)],
    ['reset', 2, Math.ceil(opts.seconds * 5000), ms(20000)],
    ['half-close', 2, Math.ceil(opts.seconds * 1000), ms(60000)],
    ['stall', 2, Math.ceil(opts.seconds * 2), ms(60000)],
  ];
  for (const [kind, n, max, timeoutMs] of plan) {
    if (opts.without.includes(kind)) continue;
    for (let i = 0; i < n; i++) loops.push(loop(kind, i, max, timeoutMs, endAt));
  }
  if (opts.without.length > 0) log(`mix without ${opts.without.join(', ')} (--without)`);
  await Promise.all(loops);
  const mixSeconds = (Date.now() - phaseStart) / 1000;

  // The idle connections: were they left alone, and do they still echo?
  phase = 'closing idle';
  phaseStart = Date.now();
  const ri = prng(opts.seed ^ 0x1d1e);
  const idleSizes = idle.map(() => logSize(ri, 1, 4 * KiB));
  await eachLimited(idle.map((c, i) => [c, i]), 200, async ([c, i]) => {
    if (c.failed) return;
    c.arm(ms(30000));
    try {
      await c.roundTrip(payload(ri, idleSizes[i]));
      await c.finish();
      stats.idle.ok++;
    } catch (err) {
      recordLoss(c, err);
    } finally {
      c.disarm();
    }
  });
  const trafficEnd = Date.now();
  const trafficSeconds = (trafficEnd - t0) / 1000;

  // Let the server see every close, then compare its counters.
  phase = 'settling';
  const opened = KINDS.reduce((a, k) => a + stats[k].opened, 0);
  const resets = stats.reset.resets;
  const expectCauses = { ...Object.fromEntries(Object.keys(before.causes).map((c) => [c, 0])), peer_fin: opened - resets, peer_reset: resets };
  const deltaOf = (after) => {
    const causes = {};
    for (const c of new Set([...Object.keys(before.causes), ...Object.keys(after.causes)])) {
      causes[c] = (after.causes[c] ?? 0) - (before.causes[c] ?? 0);
    }
    return {
      accepted: after.accepted - before.accepted,
      received: after.received - before.received,
      sent: after.sent - before.sent,
      rejected: after.rejected - before.rejected,
      acceptErrors: after.acceptErrors - before.acceptErrors,
      causes,
    };
  };
  const countersSettled = (after) => {
    const d = deltaOf(after);
    return after.active === before.active && d.accepted === opened && d.received === totals.sent &&
      d.sent === totals.sent && Object.entries(expectCauses).every(([c, n]) => d.causes[c] === n) &&
      Object.keys(d.causes).every((c) => d.causes[c] === (expectCauses[c] ?? 0));
  };
  let after;
  const settleDeadline = Date.now() + ms(15000);
  for (;;) {
    try {
      after = await scrape(metricsEp);
    } catch (err) {
      sampling.errors++;
      sampling.lastError = err.message;
    }
    if ((after && countersSettled(after)) || Date.now() > settleDeadline) break;
    await sleep(250);
  }

  // Let resident memory settle: at least 3 s after the traffic, then until it
  // is within the margin (or the wait runs out).
  const margin = opts.rssMarginMiB * MiB;
  let rssAfter = NaN;
  const rssDeadline = Date.now() + ms(20000);
  await sleep(Math.max(0, trafficEnd + 3000 - Date.now()));
  for (;;) {
    try {
      const s = await scrape(metricsEp);
      rssAfter = s.rss;
      after = s;
    } catch (err) {
      sampling.errors++;
      sampling.lastError = err.message;
    }
    if (rssAfter - before.rss <= margin || Date.now() > rssDeadline) break;
    await sleep(1000);
  }
  clearInterval(sampler);
  clearInterval(progress);
  while (sampling.busy) await sleep(20);
  if (after) {
    sampling.count++;
    if (after.rss > sampling.peakRss) sampling.peakRss = after.rss;
    if (invariantGap(after) !== 0) sampling.gaps.push(`after: ${invariantGap(after)}`);
  }

  // ------------------------------------------------------------ summary
  const totalOf = (f) => KINDS.reduce((a, k) => a + stats[k][f], 0);
  log(`\nsoak summary: mix ${mixSeconds.toFixed(1)} s (asked ${opts.seconds} s), all traffic ${trafficSeconds.toFixed(1)} s, ` +
    `backend ${before.backend}, seed ${opts.seed}`);
  log('  connections      opened        ok      lost');
  for (const k of [...KINDS, 'total']) {
    const s = k === 'total' ? { opened: opened, ok: totalOf('ok'), lost: totalOf('lost') } : stats[k];
    log(`    ${k.padEnd(12)}${String(s.opened).padStart(8)}${String(s.ok).padStart(10)}${String(s.lost).padStart(10)}`);
  }
  log(`  rate: ${(stats.churn.opened / mixSeconds).toFixed(0)} churn connections/s, ` +
    `${((totals.sent + totals.received) / MiB / trafficSeconds).toFixed(1)} MiB/s both ways`);
  log(`  stalled readers: ${stats.stall.started} held ${fmtBytes(stallStats.unread)} unread in all, ` +
    `${stallStats.blocked} of them until the client's writes blocked`);
  log(`  bytes: clients sent ${fmtBytes(totals.sent)} (${totals.sent} B), received ${fmtBytes(totals.received)}, ` +
    `verified byte for byte ${fmtBytes(totals.verified)}`);
  if (losses.length) {
    log(`  losses: ${[...lossReasons].map(([r, n]) => `${r} ×${n}`).join(', ')}`);
    for (const l of losses) log(`    ${l}`);
  } else {
    log('  losses: none');
  }
  log(`  rss: before ${fmtBytes(before.rss)}, peak ${fmtBytes(sampling.peakRss)}, after ${fmtBytes(rssAfter)} ` +
    `(margin ${opts.rssMarginMiB} MiB); ${sampling.count} scrapes, ${sampling.errors} failed`);
  const d = after ? deltaOf(after) : undefined;
  if (d) {
    const causes = Object.entries(d.causes).filter(([, n]) => n !== 0).map(([c, n]) => `${c} +${n}`).join(', ') || 'none';
    log(`  server deltas: accepted +${d.accepted}, received +${d.received} B, sent +${d.sent} B, ` +
      `disconnects ${causes}; active ${before.active} -> ${after.active}`);
  }

  // ------------------------------------------------------------ checks
  for (const k of KINDS) {
    check(stats[k].lost === 0 && stats[k].ok === stats[k].started,
      `${k}: every connection echoed in full and closed as planned`,
      `${stats[k].ok} of ${stats[k].started}${stats[k].lost ? `, ${stats[k].lost} lost` : ''}`);
  }
  check(totals.verified === totals.sent && totals.received === totals.sent, 'bytes echoed == bytes sent, byte for byte',
    `sent ${totals.sent}, received ${totals.received}, verified ${totals.verified}`);
  if (!d) {
    check(false, 'metrics readable after the run', sampling.lastError);
  } else {
    check(d.received === totals.sent, 'iocp_tcp_received_bytes_total delta == bytes the clients sent', `${d.received} vs ${totals.sent}`);
    check(d.sent === totals.sent, 'iocp_tcp_sent_bytes_total delta == bytes the clients sent', `${d.sent} vs ${totals.sent}`);
    check(d.accepted === opened, 'iocp_tcp_connections_accepted_total delta == connections opened', `${d.accepted} vs ${opened}`);
    check(after.active === before.active, 'iocp_tcp_connections_active back to its start value', `${before.active} -> ${after.active}`);
    check(sampling.gaps.length === 0, 'accepted - sum(disconnects) == active in every scrape',
      sampling.gaps.length ? `gaps ${sampling.gaps.join('; ')}` : `${sampling.count} scrapes`);
    check(d.causes.peer_reset === resets, 'disconnects{cause="peer_reset"} delta == client resets', `${d.causes.peer_reset} vs ${resets}`);
    check(d.causes.peer_fin === opened - resets, 'disconnects{cause="peer_fin"} delta == graceful closes',
      `${d.causes.peer_fin} vs ${opened - resets}`);
    const others = Object.entries(d.causes).filter(([c, n]) => c !== 'peer_fin' && c !== 'peer_reset' && n !== 0);
    check(others.length === 0, 'no other disconnect cause moved', others.map(([c, n]) => `${c} +${n}`).join(', '));
    check(d.rejected === 0 && d.acceptErrors === 0, 'no rejected connections, no accept errors',
      `rejected +${d.rejected}, accept errors +${d.acceptErrors}`);
  }
  check(sampling.errors === 0, 'every /metrics scrape answered', sampling.errors ? `${sampling.errors} failed: ${sampling.lastError}` : '');
  check(rssAfter - before.rss <= margin, `resident memory after the run within ${opts.rssMarginMiB} MiB of before`,
    `${fmtBytes(before.rss)} -> ${fmtBytes(rssAfter)}, ${rssAfter >= before.rss ? '+' : ''}${fmtBytes(rssAfter - before.rss)}; ` +
    `peak ${fmtBytes(sampling.peakRss)}`);

  if (service) {
    const stopStart = Date.now();
    const limit = ms(20000);
    const exit = await stopService(limit);
    const secs = ((Date.now() - stopStart) / 1000).toFixed(1);
    const ok = exit && exit.code === 0;
    check(ok, `service exited 0 within ${limit / 1000} s of ${opts.stopSignal}`,
      exit ? `code ${exit.code}${exit.signal ? `, signal ${exit.signal}` : ''}${exit.error ? `, ${exit.error}` : ''} after ${secs} s`
        : `still running after ${secs} s; killed`);
    if (!ok) log(serviceLogs());
  }
  finishRun();
}

main().catch((err) => {
  log(`soak: unexpected failure: ${err.stack ?? err.message}`);
  check(false, 'the soak ran to the end', err.message);
  finishRun();
});
