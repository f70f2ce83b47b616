#!/usr/bin/env node
// Run the black-box integration suite (test/integration) with tap.
//
//   node scripts/test-integration.mjs [--backend name]
//       spawn a service per test (IOCP_TCP_TEST_CLI, default dist/cli.js)
//   node scripts/test-integration.mjs --target host:port --metrics host:port [--backend name]
//       use a running service (e.g. a container); tests that need their own
//       service are skipped, and tap runs one file at a time (metric deltas
//       on a shared service need serial runs)
//
// Arguments after `--` go to tap unchanged (e.g. a single test file).
// The exit code is tap's.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = `usage: node scripts/test-integration.mjs [--target host:port --metrics host:port] [--backend name] [-- tap args]`;

function fail(message) {
  process.stderr.write(`test-integration: ${message}\n${usage}\n`);
  process.exit(2);
}

function parse(argv) {
  const opts = { tapArgs: [] };
  const names = { '--target': 'target', '--metrics': 'metrics', '--backend': 'backend' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      opts.tapArgs = argv.slice(i + 1);
      break;
    }
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    const key = names[flag];
    if (!key) fail(`unknown argument ${arg}`);
    const value = inline ?? argv[++i];
    if (!value) fail(`${flag} needs a value`);
    opts[key] = value;
  }
  for (const key of ['target', 'metrics']) {
    if (opts[key] && !/^.+:\d+$/.test(opts[key])) fail(`--${key} must be host:port, got ${opts[key]}`);
  }
  if (Boolean(opts.target) !== Boolean(opts.metrics)) fail('--target and --metrics go together');
  return opts;
}

const opts = parse(process.argv.slice(2));
const env = { ...process.env };
if (opts.target) env.IOCP_TCP_TEST_TARGET = opts.target;
if (opts.metrics) env.IOCP_TCP_TEST_METRICS = opts.metrics;
if (opts.backend) env.IOCP_TCP_TEST_BACKEND = opts.backend;
const targetMode = Boolean(env.IOCP_TCP_TEST_TARGET);

if (!targetMode && !env.IOCP_TCP_TEST_CLI && !existsSync(join(root, 'dist', 'cli.js'))) {
  fail('dist/cli.js is missing: build first (npm run build) or set IOCP_TCP_TEST_CLI');
}

// Positional arguments after `--` (test files) replace the default directory.
const tapArgs = opts.tapArgs.some((a) => !a.startsWith('-')) ? [] : ['test/integration'];
if (targetMode) tapArgs.push('--jobs=1');
const scale = Number(env.IOCP_TCP_TEST_TIMEOUT_SCALE || '1');
// .taprc allows 120 s per file; a slow launcher (Wine) stretches every wait.
if (scale > 1) tapArgs.push(`--timeout=${Math.ceil(120 * scale)}`);
tapArgs.push(...opts.tapArgs);

const require = createRequire(import.meta.url);
const tapPkg = require.resolve('tap/package.json', { paths: [root] });
const tapBin = join(dirname(tapPkg), require(tapPkg).bin.tap);

process.stdout.write(
  `test-integration: ${targetMode ? `target ${env.IOCP_TCP_TEST_TARGET}, metrics ${env.IOCP_TCP_TEST_METRICS}` : `spawning ${env.IOCP_TCP_TEST_CLI || 'dist/cli.js'}`}` +
    `, backend ${env.IOCP_TCP_TEST_BACKEND || 'auto'}\n`,
);
const child = spawn(process.execPath, [tapBin, ...tapArgs], { cwd: root, env, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
