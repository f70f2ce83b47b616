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
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { EchoCheckingClient, Loss } from '../toolkit/client';
import { CAUSES, delta, invariantGap, scrape, type Cause, type Delta, type Snapshot } from '../toolkit/prometheus';
import { Checks, eachLimited, errorMessage, fmtBytes, log } from '../toolkit/report';
import { sleep, startService, type Endpoint, type RunningService } from '../toolkit/service';

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

function bad(message: string): never {
  process.stderr.write(`soak: ${message}\n${usage}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- arguments

/** Soft limit of open files of this process (Linux), else a safe guess. */
function fdLimit(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall through
  }
  return 20000;
}

/** Host of a loopback address, or undefined. `localhost` means 127.0.0.1. */
function loopbackHost(host: string): string | undefined {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return '127.0.0.1';
  if (net.isIPv4(h) && h.split('.')[0] === '127') return h;
  if (net.isIPv6(h) && (h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h) || /^::ffff:127\./i.test(h))) return h;
  return undefined;
}

function parseEndpoint(flag: string, value: string): Endpoint {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value);
  if (!m) bad(`${flag} must be host:port, got ${JSON.stringify(value)}`);
  const port = Number(m[2]);
  if (!(port >= 1 && port <= 65535)) bad(`${flag}: port must be 1 to 65535, got ${m[2]}`);
  const host = loopbackHost(m[1]);
  if (!host) bad(`${flag} ${value}: refusing a non-loopback host; the soak only drives services on loopback (127.0.0.0/8, ::1)`);
  return { host, port };
}

const MIX_KINDS = ['churn', 'reset', 'half-close', 'stall'] as const;
type MixKind = (typeof MIX_KINDS)[number];
const isMixKind = (k: string): k is MixKind => (MIX_KINDS as readonly string[]).includes(k);

function parseKinds(value: string): MixKind[] {
  const kinds = value.split(',');
  const unknown = kinds.filter((k) => !isMixKind(k));
  if (unknown.length > 0) bad(`--without takes ${MIX_KINDS.join(', ')}; got ${unknown.join(', ')}`);
  return kinds.filter(isMixKind);
}

function parseNumber(flag: string, value: string, { min, max, integer = false }: { min: number; max: number; integer?: boolean }): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    bad(`${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function parseStopSignal(value = 'SIGTERM'): 'SIGTERM' | 'SIGINT' {
  if (value !== 'SIGTERM' && value !== 'SIGINT') bad(`--stop-signal must be SIGTERM or SIGINT, got ${value}`);
  return value;
}

const FLAGS = [
  '--seconds', '--target', '--metrics', '--launch', '--idle', '--rss-margin-mib', '--stop-signal',
  '--timeout-scale', '--seed', '--without',
] as const;
type Flag = (typeof FLAGS)[number];
const isFlag = (arg: string): arg is Flag => (FLAGS as readonly string[]).includes(arg);

interface Options {
  seconds: number;
  idle: number;
  rssMarginMiB: number;
  scale: number;
  seed: number;
  stopSignal: 'SIGTERM' | 'SIGINT';
  without: MixKind[];
  /** Arguments for the spawned service. */
  extra: string[];
  /** What runs dist/cli.js for the spawned service. */
  launch: string[];
  /** A running service to drive instead of spawning one. */
  target?: { tcp: Endpoint; metrics: Endpoint };
}

function parseArgs(argv: string[]): Options {
  const raw: Partial<Record<Flag, string>> = {};
  let extra: string[] | undefined;
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
    if (!isFlag(flag)) bad(`unknown argument ${JSON.stringify(arg)}`);
    if (raw[flag] !== undefined) bad(`${flag} given twice`);
    const value: string | undefined = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) bad(`${flag} needs a value`);
    raw[flag] = value;
  }
  const maxIdle = Math.max(0, fdLimit() - 1000);
  const opts: Options = {
    seconds: raw['--seconds'] === undefined ? 30 : parseNumber('--seconds', raw['--seconds'], { min: 1, max: 86400 }),
    idle: raw['--idle'] === undefined ? Math.min(2000, maxIdle)
      : parseNumber('--idle', raw['--idle'], { min: 0, max: maxIdle, integer: true }),
    rssMarginMiB: raw['--rss-margin-mib'] === undefined ? 32
      : parseNumber('--rss-margin-mib', raw['--rss-margin-mib'], { min: 0, max: 1 << 20 }),
    scale: raw['--timeout-scale'] === undefined ? 1
      : parseNumber('--timeout-scale', raw['--timeout-scale'], { min: 0.1, max: 1000 }),
    seed: raw['--seed'] === undefined ? (Math.random() * 2 ** 32) >>> 0
      : parseNumber('--seed', raw['--seed'], { min: 0, max: 2 ** 32 - 1, integer: true }),
    without: raw['--without'] === undefined ? [] : parseKinds(raw['--without']),
    stopSignal: parseStopSignal(raw['--stop-signal']),
    extra: extra ?? [],
    launch: [process.execPath],
  };
  if ((raw['--target'] === undefined) !== (raw['--metrics'] === undefined)) bad('--target and --metrics go together');
  if (raw['--target'] !== undefined && raw['--metrics'] !== undefined) {
    opts.target = { tcp: parseEndpoint('--target', raw['--target']), metrics: parseEndpoint('--metrics', raw['--metrics']) };
    if (raw['--launch'] !== undefined) bad('--launch is for a spawned service; it does not go with --target');
    if (extra !== undefined) bad('extra service arguments (after --) are for a spawned service; they do not go with --target');
    if (raw['--stop-signal'] !== undefined) bad('--stop-signal is for a spawned service; it does not go with --target');
  }
  if (raw['--launch'] !== undefined) {
    let launch: unknown;
    try {
      launch = JSON.parse(raw['--launch']);
    } catch (err) {
      bad(`--launch is not JSON: ${errorMessage(err)}`);
    }
    if (!Array.isArray(launch) || launch.length === 0 || !launch.every((s) => typeof s === 'string' && s !== '')) {
      bad('--launch must be a non-empty JSON array of strings, e.g. \'["node"]\'');
    }
    opts.launch = launch;
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const ms = (base: number): number => Math.ceil(base * opts.scale);

// ---------------------------------------------------------------- formatting

/** `cause +n, ...` for those of `causes` that moved in `d`. */
const movedCauses = (d: Delta, causes: readonly Cause[]): string =>
  causes.filter((c) => d.causes[c] !== 0).map((c) => `${c} +${d.causes[c]}`).join(', ');

// ---------------------------------------------------------------- random data

type Random = () => number;

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
function prng(seed: number): Random {
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

const intBetween = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
/** Log-uniform size in [lo, hi]: small messages as often as large ones. */
const logSize = (r: Random, lo: number, hi: number): number =>
  Math.min(hi, Math.max(lo, Math.floor(lo * Math.exp(r() * Math.log((hi + 1) / lo)))));
const payload = (r: Random, n: number): Buffer => {
  const off = intBetween(r, 0, POOL_SIZE - n);
  return pool.subarray(off, off + n);
};

// ---------------------------------------------------------------- the spawned service

let service: RunningService | undefined;

process.on('exit', () => {
  if (service && !service.exit()) service.child.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`soak: ${sig}: stopping`);
    if (service && !service.exit()) service.child.kill(opts.stopSignal);
    process.exit(1);
  });
}

// ---------------------------------------------------------------- connections

const KINDS = ['churn', 'reset', 'half-close', 'stall', 'idle'] as const;
type Kind = (typeof KINDS)[number];
interface KindStats {
  started: number;
  opened: number;
  ok: number;
  lost: number;
}
const kindStats = (): KindStats => ({ started: 0, opened: 0, ok: 0, lost: 0 });
const stats: Record<Kind, KindStats> = {
  churn: kindStats(), reset: kindStats(), 'half-close': kindStats(), stall: kindStats(), idle: kindStats(),
};
let resets = 0; // RSTs sent by the reset clients
const totals = { sent: 0, received: 0, verified: 0 };
// Stalled readers: bytes written while not reading, and how many stalls filled
// every buffer on the way (the client had to wait for 'drain' until the stall ended).
const stallStats = { unread: 0, blocked: 0 };
const losses: string[] = []; // first few, for the summary
const lossReasons = new Map<string, number>();
const live = new Set<EchoCheckingClient>();
let target: Endpoint;

/** A client of `kind` to the target, counted in the stats, totals and live set. */
function open(kind: Kind): EchoCheckingClient {
  stats[kind].started++;
  const c: EchoCheckingClient = new EchoCheckingClient(target, {
    onOpen: () => stats[kind].opened++,
    onWrite: (bytes) => (totals.sent += bytes),
    onBytes: (received, verified) => {
      totals.received += received;
      totals.verified += verified;
    },
    onClose: () => live.delete(c),
  });
  live.add(c);
  return c;
}

function recordLoss(kind: Kind, c: EchoCheckingClient, err: unknown): void {
  stats[kind].lost++;
  const reason = err instanceof Loss ? err.reason : 'exception';
  lossReasons.set(`${kind}: ${reason}`, (lossReasons.get(`${kind}: ${reason}`) ?? 0) + 1);
  if (losses.length < 20) {
    losses.push(`${kind} #${c.id}: ${errorMessage(err)} (sent ${c.sent} B, received ${c.received} B, verified ${c.verified} B)`);
  }
  if (!c.closed) c.socket.destroy();
}

type Scenario = (c: EchoCheckingClient, r: Random) => Promise<void>;

async function runConn(kind: MixKind, scenario: Scenario, r: Random, timeoutMs: number): Promise<boolean> {
  const c = open(kind);
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
    recordLoss(kind, c, err);
    return false;
  } finally {
    c.disarm();
  }
}

const scenarios: Record<MixKind, Scenario> = {
  async churn(c, r) {
    const trips = intBetween(r, 1, 4);
    for (let i = 0; i < trips; i++) await c.roundTrip(payload(r, logSize(r, 1, 64 * KiB)));
    await c.finish();
  },

  async reset(c, r) {
    await c.roundTrip(payload(r, logSize(r, 1, 64 * KiB)));
    // Everything sent has come back, so nothing is left unechoed: reset now.
    resets++;
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

/** Runs the `kind` scenario on one connection after another until `endAt` or `maxIterations`. */
async function loop(kind: MixKind, index: number, maxIterations: number, timeoutMs: number, endAt: number): Promise<void> {
  const r = prng((opts.seed + Math.imul(KINDS.indexOf(kind) * 100 + index + 1, 0x9e3779b9)) >>> 0);
  for (let i = 0; i < maxIterations && Date.now() < endAt; i++) {
    // After a loss, pause a little: a service that refuses everything is not hammered in a tight loop.
    if (!(await runConn(kind, scenarios[kind], r, timeoutMs))) await sleep(50);
  }
}

// ---------------------------------------------------------------- main

const checks = new Checks();
const check = checks.check.bind(checks);

function finishRun(): never {
  if (service && checks.failed > 0) log(`service logs kept in ${service.dir}`);
  else service?.cleanup();
  process.exit(checks.report('soak'));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  // A last resort: whatever hangs, the run ends.
  const hardLimitMs = opts.seconds * 1000 + ms(300000) + opts.idle * 20;
  setTimeout(() => {
    log(`soak: the run overran its hard limit of ${Math.round(hardLimitMs / 1000)} s; giving up`);
    check(false, 'the run ended within its hard limit');
    for (const c of live) c.socket.destroy();
    if (service && !service.exit()) service.child.kill('SIGKILL');
    finishRun();
  }, hardLimitMs).unref();

  let endpoints: { tcp: Endpoint; metrics: Endpoint };
  if (opts.target) {
    endpoints = opts.target;
    log(`soak: target ${endpoints.tcp.host}:${endpoints.tcp.port}, metrics ${endpoints.metrics.host}:${endpoints.metrics.port}`);
  } else {
    log(`soak: starting ${JSON.stringify([...opts.launch, 'dist/cli.js', ...opts.extra])}`);
    try {
      service = await startService({ launch: opts.launch, args: opts.extra, readyTimeoutMs: ms(30000) });
    } catch (err) {
      // The toolkit's message is the reason, then the service's logs.
      const [reason, ...logs] = errorMessage(err).split('\n');
      check(false, 'service started', reason);
      log(logs.join('\n'));
      finishRun();
    }
    endpoints = service;
    const o = service.ready;
    check(true, 'service started', `backend ${o.backend}, handler ${o.handler}, ${o.ioThreads} I/O threads, ` +
      `in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (o.handler && o.handler !== 'echo') log(`soak: warning: the service runs handler ${o.handler}, not the native echo`);
    log(`soak: service on ${endpoints.tcp.host}:${endpoints.tcp.port}, metrics on ${endpoints.metrics.host}:${endpoints.metrics.port}`);
  }
  target = endpoints.tcp;
  const scrapeNow = () => scrape(endpoints, ms(10000));

  let before: Snapshot;
  try {
    before = await scrapeNow();
  } catch (err) {
    check(false, 'metrics readable before the run', errorMessage(err));
    await service?.stop(opts.stopSignal, ms(20000));
    finishRun();
  }
  log(`soak: backend ${before.backend}, version ${before.version}, ${opts.seconds} s, ${opts.idle} idle connections, ` +
    `seed ${opts.seed}; rss before ${fmtBytes(before.resident)}`);

  // Sample /metrics every second: peak RSS, the invariant in every scrape.
  const sampling = { count: 1, errors: 0, lastError: '', gaps: [] as string[], peakRss: before.resident, last: before, busy: false };
  if (invariantGap(before) !== 0) sampling.gaps.push(`before: ${invariantGap(before)}`);
  const sampleOnce = async () => {
    if (sampling.busy) return;
    sampling.busy = true;
    try {
      const s = await scrapeNow();
      sampling.count++;
      sampling.last = s;
      if (s.resident > sampling.peakRss) sampling.peakRss = s.resident;
      const gap = invariantGap(s);
      if (gap !== 0 && sampling.gaps.length < 10) sampling.gaps.push(`at ${((s.at - t0) / 1000).toFixed(0)} s: ${gap}`);
    } catch (err) {
      sampling.errors++;
      sampling.lastError = errorMessage(err);
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
      `verified ${fmtBytes(totals.verified)}; client fds ${live.size}; server active ${s.active}, rss ${fmtBytes(s.resident)}`);
  }, 5000);

  // Idle connections first, at most 200 connecting at once (listen backlog).
  const idle: EchoCheckingClient[] = [];
  const idleOpen = async () => {
    const c = open('idle');
    idle.push(c);
    c.arm(ms(30000));
    try {
      await c.connect();
      c.disarm();
    } catch (err) {
      recordLoss('idle', c, err);
    }
  };
  await eachLimited(Array.from({ length: opts.idle }), 200, idleOpen);
  log(`soak: ${stats.idle.opened} idle connections open in ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);

  // The mix.
  phase = 'mix';
  phaseStart = Date.now();
  const endAt = phaseStart + opts.seconds * 1000;
  const loops: Promise<void>[] = [];
  const plan: [kind: MixKind, loops: number, maxIterations: number, timeoutMs: number][] = [
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
  await eachLimited(idle.map((c, i) => [c, i] as const), 200, async ([c, i]) => {
    if (!c.connected) return; // its connect failed: already counted as lost
    c.arm(ms(30000));
    try {
      await c.roundTrip(payload(ri, idleSizes[i]));
      await c.finish();
      stats.idle.ok++;
    } catch (err) {
      recordLoss('idle', c, err);
    } finally {
      c.disarm();
    }
  });
  const trafficEnd = Date.now();
  const trafficSeconds = (trafficEnd - t0) / 1000;

  // Let the server see every close, then compare its counters.
  phase = 'settling';
  const opened = KINDS.reduce((a, k) => a + stats[k].opened, 0);
  const expectedDisconnects = (c: Cause) => (c === 'peer_fin' ? opened - resets : c === 'peer_reset' ? resets : 0);
  const countersSettled = (after: Snapshot) => {
    const d = delta(before, after);
    return after.active === before.active && d.accepted === opened && d.received === totals.sent &&
      d.sent === totals.sent && CAUSES.every((c) => d.causes[c] === expectedDisconnects(c));
  };
  let after: Snapshot | undefined;
  const settleDeadline = Date.now() + ms(15000);
  for (;;) {
    try {
      after = await scrapeNow();
    } catch (err) {
      sampling.errors++;
      sampling.lastError = errorMessage(err);
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
      const s = await scrapeNow();
      rssAfter = s.resident;
      after = s;
    } catch (err) {
      sampling.errors++;
      sampling.lastError = errorMessage(err);
    }
    if (rssAfter - before.resident <= margin || Date.now() > rssDeadline) break;
    await sleep(1000);
  }
  clearInterval(sampler);
  clearInterval(progress);
  while (sampling.busy) await sleep(20);
  if (after) {
    sampling.count++;
    if (after.resident > sampling.peakRss) sampling.peakRss = after.resident;
    if (invariantGap(after) !== 0) sampling.gaps.push(`after: ${invariantGap(after)}`);
  }

  // ------------------------------------------------------------ summary
  const totalOf = (f: keyof KindStats) => KINDS.reduce((a, k) => a + stats[k][f], 0);
  log(`\nsoak summary: mix ${mixSeconds.toFixed(1)} s (asked ${opts.seconds} s), all traffic ${trafficSeconds.toFixed(1)} s, ` +
    `backend ${before.backend}, seed ${opts.seed}`);
  log('  connections      opened        ok      lost');
  const row = (k: string, s: Omit<KindStats, 'started'>) =>
    log(`    ${k.padEnd(12)}${String(s.opened).padStart(8)}${String(s.ok).padStart(10)}${String(s.lost).padStart(10)}`);
  for (const k of KINDS) row(k, stats[k]);
  row('total', { opened, ok: totalOf('ok'), lost: totalOf('lost') });
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
  log(`  rss: before ${fmtBytes(before.resident)}, peak ${fmtBytes(sampling.peakRss)}, after ${fmtBytes(rssAfter)} ` +
    `(margin ${opts.rssMarginMiB} MiB); ${sampling.count} scrapes, ${sampling.errors} failed`);
  const d = after && delta(before, after);
  if (after && d) {
    log(`  server deltas: accepted +${d.accepted}, received +${d.received} B, sent +${d.sent} B, ` +
      `disconnects ${movedCauses(d, CAUSES) || 'none'}; active ${before.active} -> ${after.active}`);
  }

  // ------------------------------------------------------------ checks
  for (const k of KINDS) {
    check(stats[k].lost === 0 && stats[k].ok === stats[k].started,
      `${k}: every connection echoed in full and closed as planned`,
      `${stats[k].ok} of ${stats[k].started}${stats[k].lost ? `, ${stats[k].lost} lost` : ''}`);
  }
  check(totals.verified === totals.sent && totals.received === totals.sent, 'bytes echoed == bytes sent, byte for byte',
    `sent ${totals.sent}, received ${totals.received}, verified ${totals.verified}`);
  if (!after || !d) {
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
    const others = movedCauses(d, CAUSES.filter((c) => c !== 'peer_fin' && c !== 'peer_reset'));
    check(others === '', 'no other disconnect cause moved', others);
    check(d.rejected === 0 && d.acceptErrors === 0, 'no rejected connections, no accept errors',
      `rejected +${d.rejected}, accept errors +${d.acceptErrors}`);
  }
  check(sampling.errors === 0, 'every /metrics scrape answered', sampling.errors ? `${sampling.errors} failed: ${sampling.lastError}` : '');
  check(rssAfter - before.resident <= margin, `resident memory after the run within ${opts.rssMarginMiB} MiB of before`,
    `${fmtBytes(before.resident)} -> ${fmtBytes(rssAfter)}, ${rssAfter >= before.resident ? '+' : ''}${fmtBytes(rssAfter - before.resident)}; ` +
    `peak ${fmtBytes(sampling.peakRss)}`);

  if (service) {
    const stopStart = Date.now();
    const limit = ms(20000);
    const exit = await service.stop(opts.stopSignal, limit);
    const secs = ((Date.now() - stopStart) / 1000).toFixed(1);
    const ok = exit?.code === 0;
    check(ok, `service exited 0 within ${limit / 1000} s of ${opts.stopSignal}`,
      exit ? `code ${exit.code}${exit.signal ? `, signal ${exit.signal}` : ''}${exit.error ? `, ${exit.error}` : ''} after ${secs} s`
        : `still running after ${secs} s; killed`);
    if (!ok) log(service.logs(20));
  }
  finishRun();
}

main().catch((err: unknown) => {
  log(`soak: unexpected failure: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  check(false, 'the soak ran to the end', errorMessage(err));
  finishRun();
});
