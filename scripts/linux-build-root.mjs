// The Linux prebuilds are built in a Debian bullseye root (glibc 2.31) with
// bullseye's own compilers, so they load on every glibc from 2.31 on (Debian
// 11, Ubuntu 20.04 and newer; RHEL 9 has 2.34), for x64 and, cross-compiled, arm64.
// bullseye's liburing (0.7) predates multishot receive and buffer rings, so
// the root gets liburing 2.3 built from Debian's source tarball, per arch.
//
// The root is made once with debootstrap and kept in the cache folder; the
// builds run in it with chroot, which is why they need root (as CI has).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { cacheDir, ensureDebianPackages } from './windows-tools.mjs';

const SUITE = 'bullseye';
const MIRROR = 'http://deb.debian.org/debian';
const PACKAGES = ['build-essential', 'g++-aarch64-linux-gnu'];

/** The oldest glibc the Linux prebuilds load on: bullseye's. */
export const GLIBC_FLOOR = '2.31';

const LIBURING = {
  version: '2.3',
  url: `${MIRROR}/pool/main/libu/liburing/liburing_2.3.orig.tar.gz`,
  sha256: '2eac26f880125d83f75ba8641fde5d88226dd352d3cee95d45a9128758a8f1be',
};

/** The Linux architectures with a prebuild, by Node's name: the compilers in the root, the loader's name, the ELF machine readelf names. */
export const LINUX_ARCHES = {
  x64: { cc: 'gcc', cxx: 'g++', loader: 'ld-linux-x86-64.so.2', machine: 'Advanced Micro Devices X86-64', openssl: 'linux-x86_64' },
  arm64: { cc: 'aarch64-linux-gnu-gcc', cxx: 'aarch64-linux-gnu-g++', loader: 'ld-linux-aarch64.so.1', machine: 'AArch64', openssl: 'linux-aarch64' },
};

/** The prebuild of the addon for linux-<arch> in prebuilds/, named the prebuildify way (N-API, glibc). */
export const linuxPrebuild = (arch) => `linux-${arch}/iocp-tcp.napi.glibc.node`;

const run = (command, args, options = {}) => execFileSync(command, args, { stdio: 'inherit', ...options });
const inRoot = (buildRoot, script) => run('chroot', [buildRoot, 'sh', '-ec', script]);

function requireRoot() {
  if (process.getuid?.() !== 0) {
    throw new Error('the Linux prebuilds are built in a Debian root with debootstrap and chroot: run as root');
  }
}

/** Builds liburing.a for `arch` in the root (the recipe names this line, so changing it remakes the root). */
const LIBURING_BUILD = (arch, { cc, cxx }) =>
  `cd /opt/liburing-${arch} && ./configure --cc=${cc} --cxx=${cxx} >/dev/null && make -s -C src -j2 liburing.a >/dev/null`;

/**
 * Removes `dir`, first unmounting what an interrupted debootstrap may have
 * left mounted in it (/proc, /sys): removing through those would fail.
 */
function removeTree(dir) {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1]);
  for (const mount of mounts.filter((m) => m === dir || m?.startsWith(`${dir}/`)).reverse()) run('umount', ['--lazy', mount]);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The build root, made (debootstrap, liburing for each arch) if it is missing
 * or was made by another recipe. It is made under another name and renamed
 * when complete, so an interrupted run leaves no root that looks ready.
 */
export function ensureBuildRoot() {
  const buildRoot = join(cacheDir, `debian-${SUITE}-root`);
  const stampName = '.iocp-tcp-ready';
  const arches = Object.entries(LINUX_ARCHES).map(([arch, tools]) => LIBURING_BUILD(arch, tools));
  const recipe = JSON.stringify({ SUITE, MIRROR, PACKAGES, LIBURING, arches });
  const stamp = join(buildRoot, stampName);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === recipe) return buildRoot;
  requireRoot();
  ensureDebianPackages(['debootstrap', 'debian-archive-keyring', 'curl']);
  const partial = `${buildRoot}.partial`;
  removeTree(partial);
  mkdirSync(cacheDir, { recursive: true });
  console.log(`making the ${SUITE} build root in ${buildRoot} (once)`);
  // With the keyring named, a Release file whose signature does not check out stops debootstrap.
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  run('debootstrap', ['--variant=minbase', `--keyring=${keyring}`, `--include=${PACKAGES.join(',')}`, SUITE, partial, MIRROR], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  buildLiburing(partial);
  writeFileSync(join(partial, stampName), recipe);
  removeTree(buildRoot);
  renameSync(partial, buildRoot);
  return buildRoot;
}

/** Builds liburing.a for each arch into <root>/opt/liburing-<arch>, from the pinned tarball. */
function buildLiburing(buildRoot) {
  const tarball = join(cacheDir, LIBURING.url.split('/').pop());
  if (!existsSync(tarball)) {
    run('curl', ['-fsSL', '-o', `${tarball}.partial`, LIBURING.url]);
    renameSync(`${tarball}.partial`, tarball);
  }
  const digest = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  if (digest !== LIBURING.sha256) {
    rmSync(tarball);
    throw new Error(`${LIBURING.url}: sha256 ${digest}, expected ${LIBURING.sha256}`);
  }
  for (const [arch, tools] of Object.entries(LINUX_ARCHES)) {
    const dir = join(buildRoot, 'opt', `liburing-${arch}`);
    mkdirSync(dir, { recursive: true });
    run('tar', ['xzf', tarball, '-C', dir, '--strip-components=1']);
    inRoot(buildRoot, LIBURING_BUILD(arch, tools));
  }
}

/**
 * OpenSSL's headers in a Node's include folder: the common ones (`common`, an
 * openssl/ folder) and those generated for one platform (`arch`, searched
 * first, so no dispatch on compiler macros is needed: mingw lacks MSVC's).
 * The addon calls the Node process's OpenSSL (src-native/tls.cc); Node 18 to
 * 24 carry OpenSSL 3, whose API the addon keeps to.
 */
export function opensslHeaders(nodeInclude, platform) {
  return { common: join(nodeInclude, 'openssl'), arch: join(nodeInclude, 'openssl', 'archs', platform, 'asm', 'include', 'openssl') };
}

/**
 * Compiles the addon for `arch` in the build root and writes it to `output`:
 * `files` (paths relative to `dir`) are copied in, `compile` (the .cc files
 * among them) compiled with `defines`, with libuv's headers from the folder
 * `uvInclude` (uv.h and uv/). Paths inside the root are fixed, so the result
 * does not depend on where the sources are.
 */
export function buildInRoot(buildRoot, arch, dir, { files, compile, defines, uvInclude }, output) {
  requireRoot();
  const { cxx } = LINUX_ARCHES[arch];
  const work = join(buildRoot, 'build', `addon-${arch}`);
  rmSync(work, { recursive: true, force: true });
  for (const file of files) cpSync(join(dir, file), join(work, file));
  cpSync(join(dir, 'node_modules', 'node-api-headers', 'include'), join(work, 'include', 'node-api'), { recursive: true });
  cpSync(join(uvInclude, 'uv.h'), join(work, 'include', 'libuv', 'uv.h'));
  cpSync(join(uvInclude, 'uv'), join(work, 'include', 'libuv', 'uv'), { recursive: true });
  const openssl = opensslHeaders(uvInclude, LINUX_ARCHES[arch].openssl);
  cpSync(openssl.common, join(work, 'include', 'openssl', 'openssl'), { recursive: true, filter: (f) => !f.includes('archs') });
  cpSync(openssl.arch, join(work, 'include', 'openssl-arch', 'openssl'), { recursive: true });
  const addonApi = join(dir, 'node_modules', 'node-addon-api');
  for (const header of readdirSync(addonApi).filter((f) => f.endsWith('.h'))) {
    cpSync(join(addonApi, header), join(work, 'include', 'node-addon-api', header));
  }
  const liburing = `/opt/liburing-${arch}/src`;
  inRoot(buildRoot, [
    `cd /build/addon-${arch}`,
    [cxx, '-std=c++17', '-O2', '-fPIC', '-pthread', '-Wall', '-Wextra', '-Wno-missing-field-initializers',
      '-shared', '-s', ...defines.map((d) => `-D${d}`),
      '-Iinclude/node-api', '-Iinclude/node-addon-api', '-Iinclude/libuv', `-I${liburing}/include`,
      '-Iinclude/openssl-arch', '-Iinclude/openssl',
      ...compile,
      '-o', 'iocp-tcp.node',
      // Only libc's libraries stay dynamic: the C++ runtime and liburing are linked in.
      '-static-libstdc++', '-static-libgcc', `${liburing}/liburing.a`, '-ldl'].join(' '),
  ].join('\n'));
  mkdirSync(join(output, '..'), { recursive: true });
  cpSync(join(work, 'iocp-tcp.node'), output);
  rmSync(work, { recursive: true, force: true });
}
