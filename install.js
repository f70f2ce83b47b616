// The package's install script: node-gyp-build keeps a prebuild that loads
// and otherwise builds the addon from source. When that build fails too, the
// user gets node-gyp's output and then, last, what this system is, which
// prebuilds exist and what to install (the same advice as the runtime error).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const run = spawnSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], { stdio: 'inherit' });
if (run.status !== 0) {
  const platforms = join(__dirname, 'dist', 'platforms.js');
  const cause = 'no prebuild matched and the source build above failed';
  // dist/ ships in the package; only a fresh clone lacks it while it installs.
  const advice = existsSync(platforms)
    ? require(platforms).describeLoadFailure(require(platforms).currentHost(), cause)
    : `${cause}: see README "Platforms"`;
  process.stderr.write(`\niocp-tcp: ${advice}\n`);
}
process.exit(run.status ?? 1);
