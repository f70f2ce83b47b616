#!/usr/bin/env node
// Builds the prebuilds and keeps prebuilds/manifest.json: the hash of the
// native sources they were built from and the hash of each binary.
//
//   node scripts/prebuild.mjs linux     build prebuilds/linux-x64 with prebuildify
//   node scripts/prebuild.mjs record    rewrite the manifest from the files present
//   node scripts/prebuild.mjs check     fail unless the manifest matches the sources
//                                       and the binaries; with --rebuild, also
//                                       rebuild linux-x64 and compare it byte for byte
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const manifestPath = join(root, 'prebuilds', 'manifest.json');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The files a binary is built from, sorted, as repo-relative paths. */
function nativeSources() {
  const native = readdirSync(join(root, 'src-native')).sort().map((f) => `src-native/${f}`);
  return ['binding.gyp', ...native];
}

export function sourcesHash() {
  const hash = createHash('sha256');
  for (const file of nativeSources()) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  return hash.digest('hex');
}

function binaries() {
  const dir = join(root, 'prebuilds');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)).map((f) => `${d.name}/${f}`))
    .sort();
}

function record() {
  const files = Object.fromEntries(binaries().map((f) => [f, sha256(readFileSync(join(root, 'prebuilds', f)))]));
  const manifest = { sources: sourcesHash(), sourceFiles: nativeSources(), files };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`prebuilds/manifest.json: sources ${manifest.sources.slice(0, 12)}, ${Object.keys(files).length} binaries`);
}

function buildLinux(dir) {
  // Build against the running node's own headers; node-gyp would download them.
  const nodeDir = dirname(dirname(process.execPath));
  const env = { ...process.env };
  if (!env.npm_config_nodedir && existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) env.npm_config_nodedir = nodeDir;
  execFileSync(join(root, 'node_modules', '.bin', 'prebuildify'), ['--napi', '--strip'], { cwd: dir, stdio: 'inherit', env });
}

function check(rebuild) {
  const problems = [];
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.sources !== sourcesHash()) {
    problems.push('native sources changed since the prebuilds were made: run npm run prebuild');
  }
  const listed = Object.keys(manifest.files).sort();
  if (JSON.stringify(listed) !== JSON.stringify(binaries())) problems.push(`manifest lists ${listed}, prebuilds/ has ${binaries()}`);
  for (const file of listed) {
    const path = join(root, 'prebuilds', file);
    if (existsSync(path) && sha256(readFileSync(path)) !== manifest.files[file]) problems.push(`${file} does not match its hash`);
  }
  if (rebuild) {
    // A clean copy, so a stale build/ cannot stand in for the sources.
    const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-prebuild-'));
    for (const file of ['package.json', ...nativeSources()]) cpSync(join(root, file), join(dir, file), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    buildLinux(dir);
    const rebuilt = sha256(readFileSync(join(dir, 'prebuilds', 'linux-x64', 'iocp-tcp.node')));
    rmSync(dir, { recursive: true, force: true });
    if (rebuilt !== manifest.files['linux-x64/iocp-tcp.node']) {
      problems.push(`linux-x64 rebuilt from source is ${rebuilt.slice(0, 12)}, committed is ` +
        `${String(manifest.files['linux-x64/iocp-tcp.node']).slice(0, 12)}: rebuild the prebuilds`);
    } else {
      console.log('linux-x64 prebuild rebuilt from source: identical');
    }
  }
  for (const problem of problems) console.error(`prebuild check: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`prebuild check: manifest matches ${relative(root, manifestPath)} sources and ${listed.length} binaries`);
}

const [command, ...flags] = process.argv.slice(2);
if (command === 'linux') {
  buildLinux(root);
  record();
} else if (command === 'record') {
  record();
} else if (command === 'check') {
  check(flags.includes('--rebuild'));
} else {
  console.error('usage: node scripts/prebuild.mjs linux|record|check [--rebuild]');
  process.exit(2);
}
