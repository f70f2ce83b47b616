#!/usr/bin/env node
// `npm test`: compile, run the unit tests (the JS API tests, which make their
// servers in-process, once per backend), then the black-box integration suite
// once per engine backend this platform has (Linux: io_uring and epoll), JS
// handlers inline (the default). The JS API tests and the integration suite
// run once more with JS handlers threaded, on the first backend.
// A backend the host refuses fails the run: a lane is never skipped quietly.
// IOCP_TCP_TEST_BACKENDS=epoll (comma-separated) picks the lanes explicitly.
// IOCP_TCP_TEST_OUTPUT_DIR=dir keeps each lane's raw TAP, one file per test
// file, in dir/<lane> (scripts/windows-host-check.mjs compares two runs test by test).
import { join } from 'node:path';

import { finish, root, runLane } from './lanes.mjs';

const defaults = { linux: ['io_uring', 'epoll'], win32: ['iocp'] }[process.platform] ?? ['auto'];
const backends = process.env.IOCP_TCP_TEST_BACKENDS ? process.env.IOCP_TCP_TEST_BACKENDS.split(',') : defaults;
const tap = join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const outputDir = process.env.IOCP_TCP_TEST_OUTPUT_DIR;
/** tap's arguments that keep a lane's raw TAP, when asked to. */
const keep = (lane) => (outputDir ? [`--output-dir=${join(outputDir, lane)}`] : []);

const build = await runLane('compile TypeScript', process.execPath, [tsc, '-p', 'tsconfig.json']);
// tap runs .ts tests without type checking: check them here.
const typecheck = await runLane('type-check the tests', process.execPath, [tsc, '-p', 'test/tsconfig.json']);
// The published typings, as a user's strict project sees them (test/types).
const typeTests = await runLane('type tests of dist/index.d.ts', process.execPath, [tsc, '-p', 'test/types/tsconfig.json']);
// The toolkit, the soak and the bench (compiled when they run).
const tools = await runLane('type-check the toolkit, soak and bench', process.execPath, [tsc, '-p', 'tsconfig.tools.json', '--noEmit']);
if ([build, typecheck, typeTests, tools].some((lane) => lane.code !== 0)) process.exit(1);

const [first, ...others] = backends;
const withBackend = (backend) => ({ ...process.env, IOCP_TCP_TEST_BACKEND: backend });
// JS handlers threaded: the API tests' servers, and the service's (--js-mode).
const threaded = { ...process.env, IOCP_TCP_TEST_JS_MODE: 'threaded', IOCP_TCP_JS_MODE: 'threaded' };
const apiTestFiles = ['test/unit/server.test.ts', 'test/unit/connection-stream.test.ts', 'test/unit/tls.test.ts'];
const apiTests = [tap, ...apiTestFiles];
const integration = join(root, 'scripts', 'test-integration.mjs');
const lanes = [await runLane(`unit tests, backend ${first}`, process.execPath, [tap, 'test/unit', ...keep(`unit-${first}`)], withBackend(first))];
for (const backend of others) {
  lanes.push(await runLane(`JS API tests (${apiTestFiles.join(', ')}), backend ${backend}`, process.execPath,
    [...apiTests, ...keep(`api-${backend}`)], withBackend(backend)));
}
lanes.push(await runLane(`JS API tests, backend ${first}, JS handlers threaded`, process.execPath,
  [...apiTests, ...keep(`api-${first}-threaded`)], { ...threaded, IOCP_TCP_TEST_BACKEND: first }));
// test-integration.mjs hands what follows `--` to tap.
const suiteKeep = (lane) => (outputDir ? ['--', ...keep(lane)] : []);
for (const backend of backends) {
  lanes.push(await runLane(`integration suite, backend ${backend}`, process.execPath,
    [integration, '--backend', backend, ...suiteKeep(`integration-${backend}`)]));
}
lanes.push(await runLane(`integration suite, backend ${first}, JS handlers threaded`, process.execPath,
  [integration, '--backend', first, ...suiteKeep(`integration-${first}-threaded`)], threaded));
finish(lanes);
