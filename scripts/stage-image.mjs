#!/usr/bin/env node
// Lays out the application folder of the Windows container from a build
// context: the bundled service, the win32-x64 addon, a package.json that
// carries only the version. Dockerfile.windows runs it with the image's
// node.exe; `npm run test:image` runs the same RUN line under Wine. Plain
// Node, no dependencies: it runs before anything is installed.
//
//   node stage-image.mjs <context folder> <application folder>
//
// Every file is checked against prebuilds/manifest.json first, so a checkout
// that altered a committed file (line-ending conversion, a stale bundle) fails
// the image build instead of shipping something CI never ran.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** [file in prebuilds/, where it goes in the application folder]. */
const STAGED = [
  ['service/cli.js', 'dist/cli.js'],
  ['service/healthcheck.js', 'dist/healthcheck.js'],
  ['service/THIRD_PARTY_LICENSES.txt', 'THIRD_PARTY_LICENSES.txt'],
  ['win32-x64/iocp-tcp.node', 'prebuilds/win32-x64/iocp-tcp.node'],
];

function fail(message) {
  process.stderr.write(`stage-image: ${message}\n`);
  process.exit(1);
}

const [context, app] = process.argv.slice(2);
if (!context || !app) fail('usage: node stage-image.mjs <context folder> <application folder>');
if (existsSync(app) && readdirSync(app).length > 0) fail(`${app} is not empty`);

const manifest = JSON.parse(readFileSync(join(context, 'prebuilds', 'manifest.json'), 'utf8'));
for (const [from, to] of STAGED) {
  const source = join(context, 'prebuilds', from);
  if (!existsSync(source)) fail(`${source} is missing from the build context`);
  const bytes = readFileSync(source);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.files[from]) {
    fail(`prebuilds/${from} has SHA-256 ${actual}, the manifest says ${manifest.files[from]}: ` +
      'the checkout changed it (line endings?) or the prebuilds are stale');
  }
  mkdirSync(dirname(join(app, to)), { recursive: true });
  copyFileSync(source, join(app, to));
}
// The service reads its version from package.json; nothing else of it is needed.
const { name, version, license } = JSON.parse(readFileSync(join(context, 'package.json'), 'utf8'));
writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name, version, license, private: true }, null, 2)}\n`);
process.stdout.write(`stage-image: ${name} ${version} staged in ${app}\n`);
