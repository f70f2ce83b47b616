#!/usr/bin/env node
// `npm test`: compile, run the unit tests (the JS API tests, which make their
// servers in-process, once per backend), then the black-box integration suite
// once per engine backend this platform has (Linux: io_uring and epoll).
// A backend the host refuses fails the run: a lane is never skipped quietly.
// IOCP_TCP_TEST_BACKENDS=epoll (comma-separated) picks the lanes explicitly.
import { join } from 'node:path';

import { finish, root, runLane } from './lanes.mjs';

const defaults = { linux: ['io_uring', 'epoll'], win32: ['iocp'] }[process.platform] ?? ['auto'];
const backends = process.env.IOCP_TCP_TEST_BACKENDS ? process.env.IOCP_TCP_TEST_BACKENDS.split(',') : defaults;
const tap = join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

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
const lanes = [await runLane(`unit tests, backend ${first}`, process.execPath, [tap, 'test/unit'], withBackend(first))];
for (const backend of others) {
  lanes.push(await runLane(`JS API tests (test/unit/server.test.ts), backend ${backend}`, process.execPath,
    [tap, 'test/unit/server.test.ts'], withBackend(backend)));
}
for (const backend of backends) {
  const script = join(root, 'scripts', 'test-integration.mjs');
  lanes.push(await runLane(`integration suite, backend ${backend}`, process.execPath, [script, '--backend', backend]));
}
finish(lanes);
