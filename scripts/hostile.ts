// `npm run hostile`: a bounded run of hostile peers against the echo service,
// and a fresh client that must stay served meanwhile. It measures what each
// kind of peer costs the server and exits 1 when a check fails (0 when all
// pass, 2 for bad arguments).
//
//   npm run hostile -- --seconds 15
//       spawn the service (dist/cli.js on 127.0.0.1, ports 0), stop it at the end
//   npm run hostile -- --launch '["env","-u","NODE_OPTIONS","wine","/x/node.exe"]' --stop-signal SIGINT --timeout-scale 4
//       through a launcher (Windows node.exe under Wine)
//   npm run hostile -- --non-readers 4000 -- --backend epoll
//       arguments after `--` go to the service
//
// The peers, opened one kind after the other so that each kind's cost shows:
//   silent       connect and say nothing
//   non-reader   4 KiB socket buffers, 64 KiB writes whenever the kernel takes
//                them, never a byte read (the load generator's nonread mode)
//   dripper      one byte every 100 ms, each echo awaited (a slow sender)
// Then, while all of them hold on for --seconds: a fresh client's 64-byte
// round trips, one every 10 ms, a new connection every 100 of them; each must
// come back intact, and the slowest within --latency-bound-ms. At the end every
// peer closes; the service must count every connection once, agree with the
// kernel, hold no buffered bytes, and exit 0.
//
// Traffic goes to the spawned service on 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client, openServerSockets } from '../toolkit/client';
import { benchProgram } from '../toolkit/programs';
import { invariantGap, M, scrape, value, type Snapshot } from '../toolkit/prometheus';
import { Checks, eachLimited, errorMessage, fmtBytes, log } from '../toolkit/report';
import { residentBytes, sleep, startService, type RunningService } from '../toolkit/service';

const usage =
  "usage: npm run hostile -- [--seconds N] [--silent N] [--non-readers N] [--drippers N] [--latency-bound-ms N] " +
  "[--launch '<json array>'] [--cli path] [--stop-signal SIGTERM|SIGINT] [--timeout-scale X] [-- <service args>]";

const NUMERIC = {
  '--seconds': { key: 'seconds', min: 1, max: 3600, default: 15 },
  '--silent': { key: 'silent', min: 0, max: 100_000, default: 1000 },
  '--non-readers': { key: 'nonReaders', min: 0, max: 100_000, default: 300 },
  '--drippers': { key: 'drippers', min: 0, max: 100_000, default: 100 },
  '--latency-bound-ms': { key: 'latencyBoundMs', min: 1, max: 60_000, default: 200 },
  '--timeout-scale': { key: 'scale', min: 0.1, max: 1000, default: 1 },
} as const;
type NumericFlag = keyof typeof NUMERIC;
type Options = { [F in NumericFlag as (typeof NUMERIC)[F]['key']]: number } & {
  launch: string[];
  cli?: string;
  stopSignal: 'SIGTERM' | 'SIGINT';
  extra: string[];
};

function bad(message: string): never {
  process.stderr.write(`hostile: ${message}\n${usage}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const opts = { launch: [process.execPath], stopSignal: 'SIGTERM', extra: [] } as unknown as Options;
  for (const flag of Object.keys(NUMERIC) as NumericFlag[]) (opts as Record<string, unknown>)[NUMERIC[flag].key] = NUMERIC[flag].default;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--') {
      opts.extra = argv.slice(i + 1);
      break;
    }
    if (flag === '-h' || flag === '--help') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const raw = argv[++i];
    if (raw === undefined) bad(`${flag} needs a value`);
    if (flag in NUMERIC) {
      const { key, min, max } = NUMERIC[flag as NumericFlag];
      const n = Number(raw);
      if (raw.trim() === '' || !(n >= min && n <= max)) bad(`${flag} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      (opts as Record<string, unknown>)[key] = n;
    } else if (flag === '--launch') {
      let launch: unknown;
      try {
        launch = JSON.parse(raw);
      } catch (err) {
        bad(`--launch is not JSON: ${errorMessage(err)}`);
      }
      if (!Array.isArray(launch) || launch.length === 0 || !launch.every((s) => typeof s === 'string' && s !== '')) {
        bad('--launch must be a non-empty JSON array of strings');
      }
      opts.launch = launch;
    } else if (flag === '--cli') {
      opts.cli = raw;
    } else if (flag === '--stop-signal') {
      if (raw !== 'SIGTERM' && raw !== 'SIGINT') bad(`--stop-signal must be SIGTERM or SIGINT, got ${raw}`);
      opts.stopSignal = raw;
    } else {
      bad(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const ms = (base: number): number => Math.ceil(base * opts.scale);
const checks = new Checks();
let service: RunningService;

/** The service's resident memory: its own metric, else (Windows, under Wine) its process's. */
const resident = (s: Snapshot): number => (s.resident > 0 ? s.resident : residentBytes(service.child.pid!));
const buffered = (s: Snapshot): number => value(s.exposition, M.buffered);

/** Kernel memory of all TCP sockets of this machine (/proc/net/sockstat counts pages). */
function kernelTcpBytes(): number {
  const pages = /^TCP:.* mem (\d+)/m.exec(readFileSync('/proc/net/sockstat', 'utf8'));
  return pages ? Number(pages[1]) * 4096 : NaN;
}

/** p50, p99 and the slowest of `latencies` (ms). */
function percentiles(latencies: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Round trips of 64 bytes, one every 10 ms for `forMs`, a new connection every 100; their latencies. */
async function freshClient(forMs: number): Promise<{ latencies: number[]; failures: string[] }> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const end = Date.now() + forMs;
  for (let round = 0; Date.now() < end && failures.length === 0; round++) {
    let client: Client | undefined;
    try {
      const started = Date.now();
      client = await Client.connect(service.tcp, ms(10000));
      for (let i = 0; i < 100 && Date.now() < end; i++) {
        const message = `fresh ${round}.${i} `.padEnd(64, '.');
        const sent = i === 0 ? started : Date.now();  // the first one includes the connect
        const echo = (await client.roundtrip(message, ms(10000))).toString();
        if (echo !== message) failures.push(`round ${round}.${i} echoed ${JSON.stringify(echo)}`);
        latencies.push(Date.now() - sent);
        await sleep(10);
      }
      client.end();
      await client.readToEnd(ms(10000));
    } catch (err) {
      failures.push(errorMessage(err));
    } finally {
      client?.destroy();
    }
  }
  return { latencies, failures };
}

interface Drippers {
  sent: number;
  echoed: number;
  failures: string[];
  stop: () => Promise<void>;
}

/** `n` peers sending one byte every 100 ms and awaiting each echo, until stopped. */
function startDrippers(clients: Client[]): Drippers {
  const state = { sent: 0, echoed: 0, failures: [] as string[], stopped: false };
  const loops = clients.map(async (client, index) => {
    await sleep((index * 7) % 100);  // spread over the 100 ms
    while (!state.stopped && state.failures.length < 10) {
      state.sent++;
      try {
        const echo = await client.roundtrip('d', ms(10000));
        if (echo.toString() === 'd') state.echoed++;
        else state.failures.push(`dripper ${index} got ${JSON.stringify(echo.toString())}`);
      } catch (err) {
        state.failures.push(`dripper ${index}: ${errorMessage(err)}`);
      }
      await sleep(100);
    }
  });
  return {
    get sent() {
      return state.sent;
    },
    get echoed() {
      return state.echoed;
    },
    failures: state.failures,
    stop: async () => {
      state.stopped = true;
      await Promise.all(loops);
    },
  };
}

interface NonReaders {
  /** What the load generator reported once all had stalled. */
  ready: { pushed: number; reset: number };
  /** Its last line: how many the server reset in all. */
  finished: Promise<{ pushed: number; reset: number; errors: number } | undefined>;
  /** Ends the hold: the load generator reports and closes every connection (a reset: they leave data unread). */
  stop: () => void;
}

/** `n` peers that never read (the load generator), held for `holdMs` once they have all stalled. */
async function startNonReaders(n: number, holdMs: number): Promise<NonReaders> {
  const args = ['nonread', service.tcp.host, service.tcp.port, Math.max(n, 1), holdMs / 1000].map(String);
  // Its stdin is a pipe: closing it ends the hold, and it reports.
  const child = spawn(benchProgram('loadgen'), args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Record<string, number>[] = [];
  let text = '';
  const arrived: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n')) {
      lines.push(JSON.parse(text.slice(0, newline)));
      text = text.slice(newline + 1);
      arrived.splice(0).forEach((wake) => wake());
    }
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
    arrived.splice(0).forEach((wake) => wake());
  });
  const line = async (index: number) => {
    while (lines.length <= index && !exited) await new Promise<void>((wake) => arrived.push(wake));
    return lines[index];
  };
  const ready = await line(0);
  if (!ready) throw new Error('the load generator ended before its non-readers were ready');
  return {
    ready: { pushed: ready.pushed, reset: ready.reset },
    finished: line(1).then((last) => last && { pushed: last.pushed, reset: last.reset, errors: last.errors }),
    stop: () => child.stdin.end(),
  };
}

/** Opens `n` clients, 100 connecting at a time. */
async function connectMany(n: number): Promise<Client[]> {
  const clients: Client[] = [];
  await eachLimited(Array.from({ length: n }), 100, async () => {
    clients.push(await Client.connect(service.tcp, ms(30000)));
  });
  return clients;
}

/** Scrapes until the server counts `active` connections and the kernel agrees; the last snapshot. */
async function settleActive(active: number, timeoutMs: number): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await scrape(service, ms(10000));
    if ((s.active === active && openServerSockets(service.tcp.port) === active) || Date.now() > deadline) return s;
    await sleep(200);
  }
}

/** One row of the cost table: what `count` peers of a kind added, per peer. */
function cost(kind: string, count: number, before: Snapshot, after: Snapshot, kernelBefore: number, kernelAfter: number): string {
  const each = (n: number) => (count > 0 ? fmtBytes(Math.round(n / count)) : '-');
  return `  ${kind.padEnd(12)}${String(count).padStart(7)}   server memory ${each(resident(after) - resident(before)).padStart(10)} each` +
    `, buffered ${each(buffered(after) - buffered(before)).padStart(10)} each, kernel TCP memory ${each(kernelAfter - kernelBefore).padStart(10)} each`;
}

async function main(): Promise<number> {
  const hardLimitMs = ms(240_000) + opts.seconds * 1000;
  setTimeout(() => {
    log(`hostile: the run overran its hard limit of ${Math.round(hardLimitMs / 1000)} s; giving up`);
    service?.child.kill('SIGKILL');
    process.exit(1);
  }, hardLimitMs).unref();

  log(`hostile: starting ${JSON.stringify([...opts.launch, opts.cli ?? 'dist/cli.js', ...opts.extra])}`);
  service = await startService({ launch: opts.launch, cli: opts.cli, args: opts.extra, readyTimeoutMs: ms(30000) });
  const { backend, handler, ioThreads } = service.ready;
  log(`hostile: backend ${backend}, handler ${handler}, ${ioThreads} I/O threads; ${opts.silent} silent, ` +
    `${opts.nonReaders} non-reading and ${opts.drippers} dripping peers, held ${opts.seconds} s`);

  const alone = await freshClient(ms(2000));
  const aloneStats = percentiles(alone.latencies);
  log(`fresh client alone: ${alone.latencies.length} round trips, p50 ${aloneStats.p50} ms, p99 ${aloneStats.p99} ms, slowest ${aloneStats.max} ms`);

  const start = await settleActive(0, ms(10000));
  const kernelStart = kernelTcpBytes();
  const silent = await connectMany(opts.silent);
  const afterSilent = await settleActive(opts.silent, ms(30000));
  const kernelSilent = kernelTcpBytes();

  // Held until the fresh client is done: a second of setting up the drippers, then --seconds.
  const nonReaders = opts.nonReaders > 0 ? await startNonReaders(opts.nonReaders, opts.seconds * 1000 + ms(30000)) : undefined;
  const afterNonReaders = await scrape(service, ms(10000));
  const kernelNonReaders = kernelTcpBytes();
  if (nonReaders) log(`non-readers: ${fmtBytes(nonReaders.ready.pushed)} written in all until they stalled`);

  const dripping = await connectMany(opts.drippers);
  const drippers = startDrippers(dripping);
  await sleep(1000);
  const afterDrippers = await scrape(service, ms(10000));
  const kernelDrippers = kernelTcpBytes();
  log('\nwhat each kind of peer costs:');
  log(cost('silent', opts.silent, start, afterSilent, kernelStart, kernelSilent));
  log(cost('non-reader', opts.nonReaders, afterSilent, afterNonReaders, kernelSilent, kernelNonReaders));
  log(cost('dripper', opts.drippers, afterNonReaders, afterDrippers, kernelNonReaders, kernelDrippers));

  // While they all hold on: the fresh client, and the invariant in every scrape.
  const gaps: string[] = [];
  let peak = afterDrippers;
  const sampler = setInterval(() => {
    scrape(service, ms(10000)).then((s) => {
      if (invariantGap(s) !== 0) gaps.push(`${invariantGap(s)}`);
      if (resident(s) > resident(peak)) peak = s;
    }, () => undefined);
  }, 1000);
  const meanwhile = await freshClient(opts.seconds * 1000);
  clearInterval(sampler);
  const held = await scrape(service, ms(10000));
  await drippers.stop();
  const meanwhileStats = percentiles(meanwhile.latencies);
  log(`\nfresh client meanwhile: ${meanwhile.latencies.length} round trips, p50 ${meanwhileStats.p50} ms, ` +
    `p99 ${meanwhileStats.p99} ms, slowest ${meanwhileStats.max} ms`);
  log(`server: ${held.active} open, buffered ${fmtBytes(buffered(held))}, resident ${fmtBytes(resident(held))} ` +
    `(peak ${fmtBytes(resident(peak))}); disconnects so far: buffer_budget ${held.causes.buffer_budget}, ` +
    `peer_reset ${held.causes.peer_reset}, idle_timeout ${held.causes.idle_timeout}`);

  const bound = ms(opts.latencyBoundMs);
  checks.check(meanwhile.failures.length === 0 && meanwhile.latencies.length > 0, 'the fresh client was echoed intact throughout',
    meanwhile.failures.slice(0, 3).join('; '));
  checks.check(meanwhileStats.p99 <= bound, `the fresh client's p99 stayed within ${bound} ms`, `${meanwhileStats.p99} ms`);
  checks.check(drippers.failures.length === 0 && drippers.echoed === drippers.sent, 'every dripped byte was echoed',
    `${drippers.echoed} of ${drippers.sent}${drippers.failures.length ? `; ${drippers.failures.slice(0, 3).join('; ')}` : ''}`);
  const silentOpen = silent.filter((c) => !c.closed && !c.ended && !c.error).length;
  const silentKept = held.causes.idle_timeout > 0 || silentOpen === opts.silent;
  checks.check(silentKept, 'the silent peers were left open (no idle timeout was set to end them)', `${silentOpen} of ${opts.silent}`);
  checks.check(gaps.length === 0, 'accepted - sum(disconnects) == active in every scrape', gaps.slice(0, 5).join(', '));

  // Everyone leaves: the server must end up with nothing open and nothing buffered.
  for (const c of [...silent, ...dripping]) c.destroy();
  nonReaders?.stop();
  const pushedInAll = await nonReaders?.finished;
  if (pushedInAll) log(`non-readers: ${fmtBytes(pushedInAll.pushed)} written in all; the server reset ${pushedInAll.reset} of them`);
  const end = await settleActive(0, ms(30000));
  checks.check(end.active === 0 && openServerSockets(service.tcp.port) === 0, 'every connection closed, as the kernel shows too',
    `active ${end.active}, kernel ${openServerSockets(service.tcp.port)}`);
  checks.check(invariantGap(end) === 0, 'each connection counted once: accepted - sum(disconnects) == 0', `gap ${invariantGap(end)}`);
  checks.check(buffered(end) === 0, 'nothing stays buffered', fmtBytes(buffered(end)));
  const evicted = end.causes.buffer_budget - start.causes.buffer_budget;
  checks.check(pushedInAll !== undefined && pushedInAll.reset === evicted,
    'the non-readers the server reset are its buffer_budget disconnects, and no other peer was', `${pushedInAll?.reset} and ${evicted}`);

  const exit = await service.stop(opts.stopSignal, ms(20000));
  checks.check(exit?.code === 0, `the service exited 0 after ${opts.stopSignal}`, JSON.stringify(exit ?? 'killed'));
  if (checks.failed > 0) log(service.logs(20));
  else service.cleanup();
  return checks.report('hostile');
}

main().then((code) => process.exit(code), (err: unknown) => {
  log(`hostile: unexpected failure: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  checks.check(false, 'the run ran to the end', errorMessage(err));
  service?.child.kill('SIGKILL');
  process.exit(checks.report('hostile'));
});
