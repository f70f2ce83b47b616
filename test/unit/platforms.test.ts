import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import t from 'tap';

import { PREBUILDS, describeLoadFailure } from '../../src/platforms';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'prebuilds', 'manifest.json'), 'utf8')) as { files: Record<string, string> };

t.test('README\'s Platforms table, the prebuilds folder, the manifest and the build script agree', async (t) => {
  const folders = readdirSync(join(root, 'prebuilds'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'service')
    .map((d) => d.name)
    .sort();
  t.same(PREBUILDS.map((p) => p.folder).sort(), folders, 'src/platforms.ts lists exactly the prebuilds/ folders');
  for (const prebuild of PREBUILDS) {
    const row = readme.split('\n').find((line) => line.includes(`| \`${prebuild.folder}\` |`));
    t.ok(row, `README has a row for ${prebuild.folder}`);
    t.match(row, `| ${prebuild.libcFloor} | ${prebuild.backends.join(', ')} |`, `${prebuild.folder}: floor and backends`);
    t.ok(Object.keys(manifest.files).some((file) => file.startsWith(`${prebuild.folder}/`) && file.endsWith('.node')),
      `the manifest has ${prebuild.folder}'s binary`);
  }
  const script = readFileSync(join(root, 'scripts', 'linux-build-root.mjs'), 'utf8');
  const floor = /GLIBC_FLOOR = '([\d.]+)'/.exec(script)?.[1];
  for (const prebuild of PREBUILDS.filter((p) => p.folder.startsWith('linux-'))) {
    t.equal(prebuild.libcFloor, `glibc ${floor}`, `${prebuild.folder}: the floor the build root gives`);
  }
});

t.test('the error for an addon that does not load says what the system is and what to do', async (t) => {
  const message = describeLoadFailure({ platform: 'linux', arch: 'riscv64', libc: 'musl' }, 'No native build was found for ...');
  t.match(message, '(linux riscv64 musl)', 'platform, arch and libc');
  for (const prebuild of PREBUILDS) t.match(message, `${prebuild.folder} (${prebuild.libcFloor} or newer)`, prebuild.folder);
  t.match(message, 'apk add g++ make python3 linux-headers liburing-dev', 'Alpine packages');
  t.match(message, 'apt-get install g++ make python3 liburing-dev', 'Debian packages');
  t.match(message, 'npm rebuild iocp-tcp', 'what to run then');
  t.match(message, 'Why: No native build was found', 'the loader\'s own words');
  t.match(describeLoadFailure({ platform: 'win32', arch: 'arm64' }, 'x'), 'Visual Studio Build Tools', 'Windows: the build tools');
});

t.test('the service started where no addon matches exits 1 with that error, before binding', async (t) => {
  // node-gyp-build takes npm_config_arch as the arch to look for; PREBUILDS_ONLY skips build/Release.
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), '--port', '0', '--metrics-port', '0'], {
    env: { ...process.env, PREBUILDS_ONLY: '1', npm_config_arch: 'riscv64', IOCP_TCP_ADDON: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(run.status, 1, 'exit 1');
  // The system as this host names it: Linux adds its libc.
  const system = process.platform === 'linux' ? /linux riscv64 (glibc [\d.]+|musl)/.source : `${process.platform} riscv64`;
  t.match(run.stderr, new RegExp(`^iocp-tcp: no build of the native addon loads on this system \\(${system}\\)`), 'names the system');
  t.match(run.stderr, 'Prebuilt: linux-x64 (glibc 2.31 or newer)', 'lists the prebuilds');
  t.match(run.stderr, `No native build was found for platform=${process.platform} arch=riscv64`, 'with the loader\'s words');
  t.notMatch(run.stdout, 'listening', 'never listened');
});
