#!/usr/bin/env node
// `npm run test:sanitize`: builds the addon with AddressSanitizer and
// UndefinedBehaviorSanitizer (in a clean temp copy of the sources) and runs
// the integration suite against it on Linux, on io_uring and on epoll. The
// service runs with the ASan runtime preloaded (node itself is not
// instrumented); any ASan or UBSan report ends the service with a non-zero
// exit, and the harness (IOCP_TCP_TEST_SANITIZE=1) stops every service with
// SIGTERM, requires exit code 0 and no sanitizer report on its stderr — so
// leaks found at exit fail the test that ran the service.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { finish, root, runLane } from './lanes.mjs';

const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-sanitize-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const sources = ['package.json', 'binding.gyp', 'src-native'];
for (const file of sources) cpSync(join(root, file), join(dir, file), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));

const sanitize = '-fsanitize=address,undefined';
console.log(`test-sanitize: building the addon with ${sanitize}`);
execFileSync('npx', ['node-gyp', 'rebuild', '-j', '2'], {
  cwd: dir,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    CXXFLAGS: `${sanitize} -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1`,
    LDFLAGS: sanitize,
  },
});
const addon = join(dir, 'build', 'Release', 'iocp_tcp.node');
const asanRuntime = execFileSync('g++', ['-print-file-name=libasan.so']).toString().trim();
const suppressions = join(root, 'test', 'sanitize', 'lsan.supp');
readFileSync(suppressions);  // fail early if it is missing

const launch = [
  'env', '-u', 'NODE_OPTIONS',  // tap's loader has no business in the service
  `LD_PRELOAD=${asanRuntime}`,
  'ASAN_OPTIONS=detect_leaks=1:malloc_context_size=3:halt_on_error=1:detect_stack_use_after_return=1',
  `LSAN_OPTIONS=suppressions=${suppressions}:print_suppressions=0`,
  'UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1',
  `IOCP_TCP_ADDON=${addon}`,
  process.execPath,
];
const lanes = [];
for (const backend of ['io_uring', 'epoll']) {
  const env = { ...process.env, IOCP_TCP_TEST_LAUNCH: JSON.stringify(launch), IOCP_TCP_TEST_SANITIZE: '1' };
  const script = join(root, 'scripts', 'test-integration.mjs');
  const args = [script, '--backend', backend, ...process.argv.slice(2)];  // e.g. -- test/integration/<file>
  lanes.push(await runLane(`integration suite under ASan+UBSan, backend ${backend}`, process.execPath, args, env));
}
finish(lanes);
