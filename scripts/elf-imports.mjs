// What a Linux build of the addon asks of the system it loads on: the shared
// libraries it needs and the symbol versions it binds to. The prebuilds may
// need only glibc's own libraries, at versions up to the glibc floor; the C++
// runtime and libgcc are linked in, so any GLIBCXX_, CXXABI_ or GCC_ version
// means a dependency that a user's system may not have.
import { execFileSync } from 'node:child_process';

import { GLIBC_FLOOR, LINUX_ARCHES } from './linux-build-root.mjs';

const GLIBC_LIBRARIES = ['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2'];

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

/**
 * Reads `file` with readelf (which reads any architecture) and returns the
 * libraries it needs, its symbol versions (sorted, e.g. GLIBC_2.17) and what
 * is wrong with them for a prebuild of `arch`.
 */
export function checkLinuxImports(file, arch) {
  const readelf = (flag) => execFileSync('readelf', [flag, '-W', file]).toString();
  const needed = [...readelf('--dynamic').matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const found = new Set([...readelf('--dyn-syms').matchAll(/@@?((GLIBC|GLIBCXX|CXXABI|GCC)_[0-9.]+)/g)].map((m) => m[1]));
  const versions = [...found].sort((a, b) => {
    const [nameA, versionA] = a.split('_');
    const [nameB, versionB] = b.split('_');
    return nameA === nameB ? compareVersions(versionA, versionB) : nameA.localeCompare(nameB);
  });
  const allowed = [...GLIBC_LIBRARIES, LINUX_ARCHES[arch].loader];
  const problems = [
    ...needed.filter((lib) => !allowed.includes(lib)).map((lib) => `needs ${lib} (only ${allowed.join(', ')} may be)`),
    ...versions.filter((v) => !v.startsWith('GLIBC_')).map((v) => `binds to ${v}: the C++ runtime and libgcc must be linked in`),
    ...versions
      .filter((v) => v.startsWith('GLIBC_') && compareVersions(v.slice('GLIBC_'.length), GLIBC_FLOOR) > 0)
      .map((v) => `binds to ${v}, newer than the glibc floor ${GLIBC_FLOOR}`),
  ];
  return { needed, versions, problems };
}
