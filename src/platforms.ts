/**
 * Where the package ships a prebuilt addon, and what to tell a user whose
 * platform has none that loads. README's "Platforms" table shows the same
 * rows (test/unit/platforms.test.ts keeps them in step).
 */

/** One prebuild in `prebuilds/`. */
export interface Prebuild {
  /** Folder in `prebuilds/`, node-gyp-build's `<platform>-<arch>`. */
  readonly folder: string;
  /** The oldest system library it loads on. */
  readonly libcFloor: string;
  /** Engine backends it has (the first the host allows is `auto`'s pick). */
  readonly backends: readonly string[];
}

/** The prebuilds the package ships. */
export const PREBUILDS: readonly Prebuild[] = [
  { folder: 'linux-x64', libcFloor: 'glibc 2.31', backends: ['io_uring', 'epoll'] },
  { folder: 'linux-arm64', libcFloor: 'glibc 2.31', backends: ['io_uring', 'epoll'] },
  { folder: 'win32-x64', libcFloor: 'Windows 10 / Server 2016', backends: ['iocp'] },
];

/** What the system runs on, as far as choosing an addon goes. */
export interface Host {
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  /** `glibc 2.36`, `musl`, or undefined outside Linux. */
  readonly libc?: string;
}

/** This process's host; npm_config_arch overrides the arch as it does for node-gyp-build. */
export function currentHost(): Host {
  const arch = process.env.npm_config_arch || process.arch;
  if (process.platform !== 'linux') return { platform: process.platform, arch };
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const glibc = header?.glibcVersionRuntime;
  return { platform: process.platform, arch, libc: glibc ? `glibc ${glibc}` : 'musl' };
}

/** The packages a source build needs, by platform. */
function buildRequirements(host: Host): string {
  if (host.platform === 'win32') {
    return 'Visual Studio Build Tools with the "Desktop development with C++" workload and Python 3';
  }
  if (host.platform === 'linux') {
    return 'a C++ compiler, make, Python 3 and, for io_uring, liburing 2.3 or newer: ' +
      'Debian/Ubuntu `apt-get install g++ make python3 liburing-dev`, ' +
      'Fedora/RHEL `dnf install gcc-c++ make python3 liburing-devel`, ' +
      'Alpine `apk add g++ make python3 linux-headers liburing-dev` ' +
      '(without liburing the build has the epoll backend only)';
  }
  return 'a C++ compiler, make and Python 3 (no backend exists for this platform yet: Linux and Windows only)';
}

/**
 * The message for an addon that would not load: what this system is, which
 * prebuilds exist, what a source build needs, and why it failed.
 */
export function describeLoadFailure(host: Host, cause: string): string {
  const system = [host.platform, host.arch, host.libc].filter(Boolean).join(' ');
  const prebuilds = PREBUILDS.map((p) => `${p.folder} (${p.libcFloor} or newer)`).join(', ');
  return [
    `no build of the native addon loads on this system (${system}).`,
    `Prebuilt: ${prebuilds}. Elsewhere the addon is built from source when the package is installed, ` +
      'and that build failed or did not run.',
    `To build it: install ${buildRequirements(host)}; then run \`npm rebuild iocp-tcp\`.`,
    `Why: ${cause.trim().split('\n')[0]}`,
  ].join('\n');
}
