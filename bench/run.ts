#!/usr/bin/env node
// `npm run bench`: the service's native echo, js-echo and an echo through
// connection.stream() side by side with node:net echoes (on events and
// through pipeline()), Bun and Deno echoes, and a C epoll echo, under one load
// generator on this machine; and over TLS, the service's echo and js-echo
// beside node:tls, Bun's and Deno's TLS echoes. Interleaved rounds, medians,
// ratios within the run (this machine is shared and noisy: absolute rates
// mean little). Writes bench/results.json and bench/results.svg and prints a
// table for plain TCP and one for TLS.
//
//   npm run bench -- [--seconds S] [--rounds N] [--idle N] [--only name,name]
//   npm run bench -- --render   (redraw the chart and table of bench/results.json)
//
// --only takes server names joined by bare commas: a name's own ", " stays
// part of it (--only 'echo, TLS,node:tls').
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, homedir, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { M, scrape, value } from '../toolkit/prometheus';
import { benchProgram } from '../toolkit/programs';
import { findListening, repoRoot as root, residentBytes as rssBytes, startProcess, type RunningProcess } from '../toolkit/service';

const bench = join(root, 'bench');
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    idle: { type: 'string', default: '10000' },
    only: { type: 'string' },
    render: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(flags.seconds);
const ROUNDS = Number(flags.rounds);
const IDLE = Number(flags.idle);
for (const [flag, value] of [['--seconds', SECONDS], ['--rounds', ROUNDS], ['--idle', IDLE]] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench: ${flag} must be a positive integer`);
    process.exit(2);
  }
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { config: { benchBun: string; benchDeno: string } };

interface Scenario {
  name: string;
  /** The load generator's mode and its arguments after HOST PORT (SECONDS is appended). */
  mode: 'pingpong' | 'churn' | 'tlspingpong' | 'tlschurn';
  args: number[];
  /** Over TLS: the TLS servers run in it, and only they. */
  tls?: boolean;
}
const SCENARIOS: Scenario[] = [
  { name: 'pingpong 4 x 64 B', mode: 'pingpong', args: [4, 64] },
  { name: 'pingpong 100 x 64 B', mode: 'pingpong', args: [100, 64] },
  { name: 'churn, 50 workers', mode: 'churn', args: [50] },
  { name: 'pingpong 20 x 16 KiB', mode: 'pingpong', args: [20, 16384] },
  { name: 'pingpong 2000 x 64 B', mode: 'pingpong', args: [2000, 64] },
  // Each conversation a full TLS 1.3 handshake, one 64 B round trip, close_notify and FIN both ways.
  { name: 'TLS handshakes (churn, 50 workers)', mode: 'tlschurn', args: [50], tls: true },
  { name: 'TLS pingpong 100 x 64 B', mode: 'tlspingpong', args: [100, 64], tls: true },
  { name: 'TLS pingpong 20 x 16 KiB', mode: 'tlspingpong', args: [20, 16384], tls: true },
];
const isTls = (scenario: string) => SCENARIOS.find((s) => s.name === scenario)?.tls === true;
const isHandshakes = (scenario: string) => SCENARIOS.find((s) => s.name === scenario)?.mode === 'tlschurn';

// ---- tools: the C programs, Bun and Deno ----

const loadgen = benchProgram('loadgen');

// Official binaries from the npm registry (npm checks their integrity), pinned
// in package.json like the Windows lane's node.exe, cached across runs.
function fetchBinary(name: string, spec: string, inside: string): string | undefined {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'iocp-tcp', `bench-${name}-${spec.split('@').pop()}`);
  const binary = join(cache, inside);
  if (existsSync(binary)) return binary;
  try {
    mkdirSync(cache, { recursive: true });
    const tarball = execFileSync('npm', ['pack', spec, '--pack-destination', cache, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', join(cache, tarball), '-C', cache, '--strip-components', '1']);
    execFileSync(binary, ['--version']);
    return binary;
  } catch (err) {
    console.log(`note: ${name} (${spec}) cannot run here, left out: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}
const bun = fetchBinary('bun', `@oven/bun-linux-x64@${pkg.config.benchBun}`, 'bin/bun');
const deno = fetchBinary('deno', `@deno/linux-x64-glibc@${pkg.config.benchDeno}`, 'deno');

// ---- servers ----

interface Server {
  name: string;
  command: string[];
  /** Serves TLS: runs in the TLS scenarios (the others run in the plain ones). */
  tls?: boolean;
  /** The scenarios it runs in (default: all of its kind). */
  only?: string[];
}
const service = (handler: string, extra: string[]) => [process.execPath, join(root, 'dist', 'cli.js'), '--host', '127.0.0.1', '--port', '0',
  '--metrics-host', '127.0.0.1', '--metrics-port', '0', '--max-connections', '0', '--handler', handler, '--log-level', 'info', ...extra];
// The test certificate: P-256 (ECDSA), CN=localhost, valid to 2126.
const tlsFiles = [join(root, 'test', 'fixtures', 'tls-cert.pem'), join(root, 'test', 'fixtures', 'tls-key.pem')];
const tlsFlags = ['--tls-cert', tlsFiles[0], '--tls-key', tlsFiles[1]];
const candidates: (Server | undefined)[] = [
  { name: 'echo', command: service('echo', ['--io-threads', '2']) },
  { name: 'echo, 1 I/O thread', command: service('echo', ['--io-threads', '1']) },
  { name: 'echo, epoll', command: service('echo', ['--io-threads', '2', '--backend', 'epoll']), only: ['pingpong 20 x 16 KiB', 'pingpong 2000 x 64 B'] },
  { name: 'js-echo', command: service('js-echo', []) },
  { name: 'js-echo, borrowed', command: service('js-echo', ['--js-data', 'borrowed']) },
  { name: 'js-echo, borrowed, epoll', command: service('js-echo', ['--js-data', 'borrowed', '--backend', 'epoll']), only: ['pingpong 20 x 16 KiB'] },
  { name: 'js-echo, threaded', command: service('js-echo', ['--js-mode', 'threaded', '--io-threads', '2']) },
  { name: 'stream echo', command: service(join(bench, 'servers', 'stream-echo.js'), []) },
  { name: 'node:net', command: [process.execPath, join(bench, 'servers', 'node-net-echo.mjs'), '127.0.0.1', '0'] },
  { name: 'node:net stream echo', command: [process.execPath, join(bench, 'servers', 'node-net-stream-echo.mjs'), '127.0.0.1', '0'] },
  bun ? { name: 'Bun', command: [bun, join(bench, 'servers', 'bun-echo.js'), '127.0.0.1', '0'] } : undefined,
  deno ? { name: 'Deno', command: [deno, 'run', '--allow-net', join(bench, 'servers', 'deno-echo.js'), '127.0.0.1', '0'] } : undefined,
  { name: 'C epoll echo', command: [benchProgram('echo'), '127.0.0.1', '0'] },
  // Over TLS, the same test certificate for each, named by what serves it.
  { name: 'echo, TLS', command: service('echo', ['--io-threads', '2', ...tlsFlags]), tls: true },
  { name: 'js-echo, TLS', command: service('js-echo', tlsFlags), tls: true },
  { name: 'js-echo, threaded, TLS', command: service('js-echo', ['--js-mode', 'threaded', '--io-threads', '2', ...tlsFlags]), tls: true },
  { name: 'node:tls', command: [process.execPath, join(bench, 'servers', 'node-tls-echo.mjs'), '127.0.0.1', '0', ...tlsFiles], tls: true },
  bun ? { name: 'Bun, TLS', command: [bun, join(bench, 'servers', 'bun-tls-echo.js'), '127.0.0.1', '0', ...tlsFiles], tls: true } : undefined,
  deno ? { name: 'Deno, TLS', command: [deno, 'run', '--allow-net', '--allow-read', join(bench, 'servers', 'deno-tls-echo.js'), '127.0.0.1', '0',
    ...tlsFiles], tls: true } : undefined,
];
const ALL_SERVERS = candidates.filter((server): server is Server => !!server);
const only = flags.only?.split(/,(?! )/);
for (const name of only ?? []) {
  if (!ALL_SERVERS.some((server) => server.name === name)) console.log(`note: --only: no server named "${name}"`);
}
const SERVERS = ALL_SERVERS.filter((server) => !only || only.includes(server.name));

/** What a kind of scenario's rates are compared with: node's server, and the faster of Bun's and Deno's. */
const BASELINES = {
  plain: { node: 'node:net', peers: ['Bun', 'Deno'], peersLabel: 'Bun/Deno' },
  tls: { node: 'node:tls', peers: ['Bun, TLS', 'Deno, TLS'], peersLabel: 'Bun/Deno TLS' },
};
/** Each TLS server's plain twin: the chart draws both in one color. */
const PLAIN_TWIN: Record<string, string> = { 'echo, TLS': 'echo', 'js-echo, TLS': 'js-echo', 'js-echo, threaded, TLS': 'js-echo, threaded',
  'node:tls': 'node:net', 'Bun, TLS': 'Bun', 'Deno, TLS': 'Deno' };

/** Where a server listens; the service also says where its metrics are. */
interface Ports {
  port: number;
  metricsPort?: number;
}
type Running = Server & { process: RunningProcess<Ports> };

/** The service's `listening` log line, or the others' "listening PORT". */
const listeningPorts = (stdout: string): Ports | undefined => {
  const line = findListening(stdout);
  if (line) return { port: line.port, metricsPort: line.metricsPort };
  const port = Number(/^listening (\d+)$/m.exec(stdout)?.[1]);
  return port ? { port } : undefined;
};

/**
 * The load generator's result line, the server's CPU time per completed
 * round trip or conversation (all threads; the JS thread's and the I/O
 * threads' shares for the service), and events per call into JS.
 */
interface LoadResult {
  completed: number;
  rate: number;
  p99_us: number;
  errors: number;
  cpu_us: number;
  js_cpu_us?: number;
  io_cpu_us?: number;
  events_per_js_call?: number;
  /** TLS modes: what was negotiated. */
  protocol?: string;
  cipher?: string;
  group?: string;
}

/** CPU time (user + system) of each thread of `pid` by name, in µs; /proc counts in clock ticks of 10 ms. */
function threadMicros(pid: number): { total: number; main: number; io: number } {
  const times = { total: 0, main: 0, io: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;  // the thread has gone
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const micros = (Number(fields[11]) + Number(fields[12])) * 10_000;  // utime, stime (fields 14 and 15 of stat(5))
    times.total += micros;
    if (Number(tid) === pid) times.main += micros;
    if (name.startsWith('iocp-tcp-io-')) times.io += micros;
  }
  return times;
}

/** Calls into JS and the events they carried so far, for the service. */
async function jsDeliveries(server: Running): Promise<{ calls: number; events: number } | undefined> {
  const { metricsPort } = server.process.ready;
  if (metricsPort === undefined) return undefined;
  const { exposition } = await scrape({ metrics: { host: '127.0.0.1', port: metricsPort } });
  return { calls: value(exposition, M.jsCalls), events: value(exposition, M.jsEvents) };
}

async function run(mode: string, server: Running, args: number[]): Promise<LoadResult> {
  const pid = server.process.child.pid!;
  const before = threadMicros(pid);
  const jsBefore = await jsDeliveries(server);
  const out = execFileSync(loadgen, [mode, '127.0.0.1', server.process.ready.port, ...args, SECONDS].map(String),
    { encoding: 'utf8', maxBuffer: 1 << 20 });
  const after = threadMicros(pid);
  const jsAfter = await jsDeliveries(server);
  const result = JSON.parse(out.trim().split('\n').pop()!) as Omit<LoadResult, 'cpu_us'>;
  const each = (micros: number) => micros / Math.max(1, result.completed);
  const calls = jsBefore && jsAfter ? jsAfter.calls - jsBefore.calls : 0;
  return {
    ...result,
    cpu_us: each(after.total - before.total),
    ...(jsAfter ? { js_cpu_us: each(after.main - before.main), io_cpu_us: each(after.io - before.io) } : {}),
    ...(calls > 0 ? { events_per_js_call: (jsAfter!.events - jsBefore!.events) / calls } : {}),
  };
}

// User-space memory per idle connection: the server's resident memory with
// IDLE connections held (each after one round trip), minus before, per connection.
async function idleBytesPerConnection(server: Running): Promise<number | undefined> {
  const pid = server.process.child.pid!;
  const before = rssBytes(pid);
  const child = spawn(loadgen, ['idle', '127.0.0.1', server.process.ready.port, IDLE, 3].map(String), { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let text = '';
  const readyRss = await new Promise<number | undefined>((resolve) => {
    const onData = (chunk: Buffer) => {
      text += chunk;
      if (!text.includes('"ready"')) return;
      child.stdout.off('data', onData).resume();
      setTimeout(() => resolve(rssBytes(pid)), 1000);  // the hold lasts 3 s
    };
    child.stdout.on('data', onData);
    void exited.then(() => resolve(undefined));
  });
  await exited;
  return readyRss === undefined ? undefined : Math.max(0, (readyRss - before) / IDLE);
}

// ---- the run ----

const median = (values: (number | undefined)[]) => {
  const sorted = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)];
};

type Samples = Record<string, Record<string, LoadResult[]>>;  // scenario -> server -> one per round

async function measure(running: Running[]): Promise<{ samples: Samples; idle: Record<string, number | undefined> }> {
  const samples: Samples = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      // A different server first in each round: no server always gets the warm (or the noisy) slot.
      const order = running.map((_, i) => running[(i + round) % running.length]);
      for (const server of order) {
        if (!!server.tls !== !!scenario.tls || (server.only && !server.only.includes(scenario.name))) continue;
        const result = await run(scenario.mode, server, scenario.args);
        ((samples[scenario.name] ??= {})[server.name] ??= []).push(result);
        const threads = result.js_cpu_us === undefined ? '' : ` (JS thread ${result.js_cpu_us.toFixed(1)}, I/O threads ${result.io_cpu_us!.toFixed(1)})`;
        process.stdout.write(`round ${round + 1}/${ROUNDS} ${scenario.name} ${server.name}: ${result.rate.toFixed(0)}/s ` +
          `p99 ${result.p99_us.toFixed(0)} us, server CPU ${result.cpu_us.toFixed(1)} us each${threads}` +
          `${result.events_per_js_call ? `, ${result.events_per_js_call.toFixed(1)} events per JS call` : ''}` +
          `${result.errors ? ` ERRORS ${result.errors}` : ''}\n`);
      }
    }
  }
  const idle: Record<string, number | undefined> = {};
  for (const server of running) {
    if (server.only || server.tls) continue;  // the idle connections are plain TCP
    const bytes = (idle[server.name] = await idleBytesPerConnection(server));
    process.stdout.write(`idle ${IDLE} connections ${server.name}: ${bytes === undefined ? 'failed' : `${bytes.toFixed(0)} B each`}\n`);
  }
  return { samples, idle };
}

// ---- results ----

interface Row {
  rate?: number;
  p99_us?: number;
  /** Server CPU time per round trip (or conversation), µs: all threads, the JS thread, the I/O threads. */
  cpu_us?: number;
  js_cpu_us?: number;
  io_cpu_us?: number;
  events_per_js_call?: number;
  errors: number;
  /** TLS: the protocol, cipher suite and key-exchange group negotiated. */
  tls?: string;
}
interface Results {
  machine: ReturnType<typeof machine>;
  seconds: number;
  rounds: number;
  idleConnections: number;
  scenarios: Record<string, Record<string, Row>>;
  idleBytesPerConnection: Record<string, number | undefined>;
}

function summarize({ samples, idle }: Awaited<ReturnType<typeof measure>>): Results {
  const scenarios: Results['scenarios'] = {};
  for (const scenario of SCENARIOS) {
    scenarios[scenario.name] = Object.fromEntries(Object.entries(samples[scenario.name] ?? {}).map(([name, list]) => [name, {
      rate: median(list.map((s) => s.rate)),
      p99_us: median(list.map((s) => s.p99_us)),
      cpu_us: median(list.map((s) => s.cpu_us)),
      js_cpu_us: median(list.map((s) => s.js_cpu_us)),
      io_cpu_us: median(list.map((s) => s.io_cpu_us)),
      events_per_js_call: median(list.map((s) => s.events_per_js_call)),
      errors: list.reduce((n, s) => n + s.errors, 0),
      ...(list[0].protocol ? { tls: `${list[0].protocol}, ${list[0].cipher}, ${list[0].group}` } : {}),
    }]));
  }
  return { machine: machine(), seconds: SECONDS, rounds: ROUNDS, idleConnections: IDLE, scenarios, idleBytesPerConnection: idle };
}

async function main() {
  if (flags.render) {
    const saved = JSON.parse(readFileSync(join(bench, 'results.json'), 'utf8')) as Results;
    writeFileSync(join(bench, 'results.svg'), chart(saved));
    console.log(`${table(saved)}\nwritten: bench/results.svg`);
    return;
  }
  const running: Running[] = [];
  try {
    for (const server of SERVERS) {
      running.push({ ...server, process: await startProcess(server.command, listeningPorts, { env: process.env }) });
    }
    const results = summarize(await measure(running));
    writeFileSync(join(bench, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(bench, 'results.svg'), chart(results));
    console.log(`\n${table(results)}\nwritten: bench/results.json, bench/results.svg`);
  } finally {
    for (const server of running) {
      await server.process.stop('SIGKILL', 5000);
      server.process.cleanup();
    }
  }
}

function machine() {
  const cpu = cpus();
  return { cpu: cpu[0]?.model, cores: cpu.length, kernel: release(), node: process.version, bun: bun ? pkg.config.benchBun : null,
    deno: deno ? pkg.config.benchDeno : null, date: new Date().toISOString().slice(0, 10) };
}

/** `name`'s rate as a multiple of `base` (a rate), when both are known. */
const ratio = (row: Record<string, Row>, name: string, base: number | undefined) => {
  const rate = row[name]?.rate;
  return rate !== undefined && base ? rate / base : undefined;
};

/** The scenarios of one kind (plain TCP, then TLS) that have results, the servers in them, and their baseline. */
function sections(scenarios: Results['scenarios']) {
  return (['plain', 'tls'] as const).map((kind) => {
    const entries = Object.entries(scenarios).filter(([name, row]) => isTls(name) === (kind === 'tls') && Object.keys(row).length > 0);
    const names = [...new Set(entries.flatMap(([, row]) => Object.keys(row)))];
    const tls = entries.flatMap(([, row]) => Object.values(row)).find((r) => r.tls)?.tls;
    return { kind, entries, names, base: BASELINES[kind], tls };
  }).filter((section) => section.entries.length > 0);
}

// Per kind (plain TCP, TLS), a Markdown table: ratios of each server's rate
// to node's (node:net, node:tls) and to the faster of Bun and Deno (over TLS: their TLS echoes).
function table({ scenarios, idleBytesPerConnection }: Results): string {
  const fmt = (x: number | undefined, digits = 2) => (x === undefined ? '–' : x.toFixed(digits));
  return sections(scenarios).map(({ kind, entries, names, base, tls }) => {
    const lines = [
      ...(kind === 'tls' ? [`TLS (${tls ?? 'TLS 1.3'}; P-256 certificate; handshakes: a full one per connection)`, ''] : []),
      `| scenario | ${names.join(' | ')} |`,
      `|---|${names.map(() => '---').join('|')}|`,
    ];
    for (const [scenario, row] of entries) {
      const node = row[base.node]?.rate;
      const peer = Math.max(...base.peers.map((name) => row[name]?.rate ?? 0)) || undefined;
      lines.push(`| ${scenario}: rate/s | ${names.map((n) => fmt(row[n]?.rate, 0)).join(' | ')} |`);
      lines.push(`| ${scenario}: p99 µs | ${names.map((n) => fmt(row[n]?.p99_us, 0)).join(' | ')} |`);
      lines.push(`| ${scenario}: server CPU µs each | ${names.map((n) => fmt(row[n]?.cpu_us, 1)).join(' | ')} |`);
      lines.push(`| ${scenario}: of it JS thread / I/O threads | ${names.map((n) => (row[n]?.js_cpu_us === undefined ? '–'
        : `${fmt(row[n].js_cpu_us, 1)} / ${fmt(row[n].io_cpu_us, 1)}`)).join(' | ')} |`);
      lines.push(`| ${scenario}: events per JS call | ${names.map((n) => fmt(row[n]?.events_per_js_call, 1)).join(' | ')} |`);
      lines.push(`| ${scenario}: × ${base.node} | ${names.map((n) => fmt(ratio(row, n, node))).join(' | ')} |`);
      lines.push(`| ${scenario}: × best of ${base.peersLabel} | ${names.map((n) => fmt(ratio(row, n, peer))).join(' | ')} |`);
    }
    if (kind === 'plain') {
      lines.push(`| idle memory per connection, B | ${names.map((n) => fmt(idleBytesPerConnection[n], 0)).join(' | ')} |`);
    }
    return lines.join('\n');
  }).join('\n\n');
}

// Per kind (plain TCP, then TLS), panels with one group of bars per scenario:
// the server's CPU time per round trip (lower is better; over TLS the
// handshakes have a panel of their own, their cost being some 50 times a
// round trip's), and its rate as a multiple of node's (node:net, node:tls);
// each with a value axis, each bar with its value; then the kind's legend.
// A TLS server has its plain twin's color.
function chart({ scenarios, machine: m }: Results): string {
  const colors = ['#1f77b4', '#aec7e8', '#9edae5', '#ff7f0e', '#ffbb78', '#7f7f7f', '#2ca02c', '#d62728', '#8c564b', '#9467bd',
    '#17becf', '#e377c2', '#bcbd22'];
  const width = 980, panelHeight = 250, left = 60, right = 10, maxBar = 40;
  const parts = [`<text x="${left}" y="16" font-size="13">Echo servers side by side (same run; ${m.cores} cores, ${m.date}; medians of ${ROUNDS} rounds)</text>`];
  const all = sections(scenarios);
  const plainNames = all.find((section) => section.kind === 'plain')?.names ?? [];
  let top = 30;
  for (const { kind, entries, names, base, tls } of all) {
    const color = (name: string, i: number) => {
      const twin = plainNames.indexOf(PLAIN_TWIN[name] ?? '');
      return colors[(kind === 'tls' && twin >= 0 ? twin : i) % colors.length];
    };
    const panel = (title: string, unit: string, groups: typeof entries, valueOf: (row: Record<string, Row>, name: string) => number | undefined,
      reference?: number) => {
      const bottom = top + panelHeight - 40;
      const groupWidth = (width - left - right) / groups.length;
      const barWidth = Math.min(maxBar, (groupWidth - 16) / names.length);
      const max = Math.max(...groups.flatMap(([, row]) => names.map((n) => valueOf(row, n) ?? 0)), reference ?? 0) * 1.1 || 1;
      const step = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((s) => max / s <= 6) ?? 1000;
      const y = (v: number) => bottom - ((bottom - top - 20) * v) / max;
      parts.push(`<text x="${left}" y="${top + 8}" font-size="12">${title}</text>`);
      for (let v = 0; v <= max; v += step) {
        parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
          `<text x="${left - 6}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end">${v}${unit}</text>`);
      }
      if (reference !== undefined) {
        parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(reference)}" y2="${y(reference)}" stroke="#444" stroke-dasharray="4 3"/>`);
      }
      groups.forEach(([scenario, row], g) => {
        const x0 = left + g * groupWidth + (groupWidth - names.length * barWidth) / 2;
        names.forEach((name, i) => {
          const v = valueOf(row, name);
          if (v === undefined) return;
          const x = x0 + i * barWidth;
          parts.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${(bottom - y(v)).toFixed(1)}" fill="${color(name, i)}"><title>${name}: ${v.toFixed(2)}${unit}</title></rect>`,
            `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="8">${v.toFixed(v < 10 ? 1 : 0)}</text>`);
        });
        parts.push(`<text x="${x0 + (names.length * barWidth) / 2}" y="${bottom + 14}" text-anchor="middle">${scenario}</text>`);
      });
      top += panelHeight;
    };
    const cpu = (row: Record<string, Row>, n: string) => row[n]?.cpu_us;
    const rate = (row: Record<string, Row>, n: string) => ratio(row, n, row[base.node]?.rate);
    if (kind === 'plain') {
      panel('Server CPU time per round trip (churn: per conversation), µs — lower is better', ' µs', entries, cpu);
      panel('Rate as a multiple of node:net\'s — higher is better', '×', entries, rate, 1);
    } else {
      parts.push(`<text x="${left}" y="${top + 8}" font-size="13">Over TLS (${tls ?? 'TLS 1.3'}; P-256 certificate; a full handshake per connection)</text>`);
      top += 20;
      const handshakes = entries.filter(([name]) => isHandshakes(name)), roundTrips = entries.filter(([name]) => !isHandshakes(name));
      if (handshakes.length > 0) {
        panel('TLS: server CPU time per connection (connect, handshake, one 64 B round trip, close), µs — lower is better', ' µs', handshakes, cpu);
      }
      if (roundTrips.length > 0) panel('TLS: server CPU time per round trip, µs — lower is better', ' µs', roundTrips, cpu);
      panel('TLS: rate as a multiple of node:tls\'s — higher is better', '×', entries, rate, 1);
    }
    const legend = top + 20;
    names.forEach((name, i) => {
      const x = left + (i % 5) * 180, yy = legend + Math.floor(i / 5) * 16;
      parts.push(`<rect x="${x}" y="${yy - 9}" width="10" height="10" fill="${color(name, i)}"/><text x="${x + 14}" y="${yy}">${name}</text>`);
    });
    top = legend + Math.ceil(names.length / 5) * 16 + 12;
  }
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top}" font-family="sans-serif" font-size="10">`, ...parts,
    '</svg>\n'].join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
