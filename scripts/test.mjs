#!/usr/bin/env node
// `npm test`: compile, run the unit tests, then the black-box integration
// suite once per engine backend this platform has (Linux: io_uring and epoll).
// A backend the host refuses fails the run: a lane is never skipped quietly.
// IOCP_TCP_TEST_BACKENDS=epoll (comma-separated) picks the lanes explicitly.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const defaults = { linux: ['io_uring', 'epoll'], win32: ['iocp'] }[process.platform] ?? ['auto'];
const backends = process.env.IOCP_TCP_TEST_BACKENDS ? process.env.IOCP_TCP_TEST_BACKENDS.split(',') : defaults;
const tap = join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');

/** Runs a command, echoing its output; resolves with its exit code and tap's totals. */
function run(label, command, args, env = {}) {
  process.stdout.write(`\n=== ${label}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk).slice(-4096);
    });
    child.on('close', (code) => {
      const totals = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/.exec(tail);
      resolve({ label, code, total: Number(totals?.[1] ?? 0), fail: Number(totals?.[3] ?? 0) });
    });
  });
}

const lanes = [];
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const build = await run('compile TypeScript', process.execPath, [tsc, '-p', 'tsconfig.json']);
// tap runs .ts tests without type checking: check them here.
const typecheck = await run('type-check the tests', process.execPath, [tsc, '-p', 'test/tsconfig.json']);
if (build.code !== 0 || typecheck.code !== 0) process.exit(1);
lanes.push(await run('unit tests', process.execPath, [tap, 'test/unit']));
for (const backend of backends) {
  lanes.push(await run(`integration suite, backend ${backend}`, process.execPath, [join(root, 'scripts', 'test-integration.mjs'), '--backend', backend]));
}

let passed = 0;
let failed = 0;
process.stdout.write('\n=== summary\n');
for (const lane of lanes) {
  process.stdout.write(`${lane.code === 0 ? 'ok  ' : 'FAIL'} ${lane.label}: ${lane.total} assertions, ${lane.fail} failed\n`);
  failed += lane.code === 0 ? lane.fail : Math.max(lane.fail, 1);
  passed += lane.total - lane.fail;
}
process.stdout.write(`assertions: ${passed} passed, ${failed} failed\n`);
process.exit(lanes.every((lane) => lane.code === 0) ? 0 : 1);
