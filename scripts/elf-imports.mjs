// What a Linux build of the addon asks of the system it loads on: the shared
// libraries it needs and the symbol versions it binds to. The prebuilds may
// need only glibc's own libraries, at versions up to the glibc floor; the C++
// runtime and libgcc are linked in, so any GLIBCXX_, CXXABI_ or GCC_ version
// means a dependency that a user's system may not have.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
 * libraries it needs, the versions it needs of them (sorted, e.g. GLIBC_2.17;
 * from the version-needs section, which is what the loader checks) and what
 * is wrong with them for a prebuild of `arch`.
 */
export function checkLinuxImports(file, arch) {
  const readelf = (flag) => execFileSync('readelf', [flag, '-W', file]).toString();
  const { machine, loader } = LINUX_ARCHES[arch];
  const actualMachine = /Machine:\s+(.+)/.exec(readelf('--file-header'))?.[1].trim();
  const needed = [...readelf('--dynamic').matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const found = new Set([...readelf('--version-info').matchAll(/^\s+0x[0-9a-f]+:\s+Name: (\S+)/gm)].map((m) => m[1]));
  const versions = [...found].sort((a, b) => {
    const [nameA, versionA] = a.split('_');
    const [nameB, versionB] = b.split('_');
    return nameA === nameB ? compareVersions(versionA ?? '', versionB ?? '') : nameA.localeCompare(nameB);
  });
  const allowed = [...GLIBC_LIBRARIES, loader];
  const problem = (v) => {
    if (/^(GLIBCXX|CXXABI|GCC)_/.test(v)) return `needs ${v}: the C++ runtime and libgcc must be linked in`;
    const release = /^GLIBC_([0-9.]+)$/.exec(v)?.[1];
    // GLIBC_PRIVATE, GLIBC_ABI_DT_RELR (2.36) and the like: not a release number, so no floor vouches for them.
    if (release === undefined) return `needs ${v}, which glibc ${GLIBC_FLOOR} does not promise`;
    return compareVersions(release, GLIBC_FLOOR) > 0 ? `needs ${v}, newer than the glibc floor ${GLIBC_FLOOR}` : undefined;
  };
  const symbols = [...readelf('--dyn-syms').matchAll(/\s(\S+)$/gm)].map((m) => m[1].split('@')[0]);
  const problems = [
    ...(actualMachine === machine ? [] : [`is built for ${actualMachine}, not ${arch} (${machine})`]),
    ...needed.filter((lib) => !allowed.includes(lib)).map((lib) => `needs ${lib} (only ${allowed.join(', ')} may be)`),
    ...versions.map(problem).filter(Boolean),
    ...opensslProblems(file, symbols),
  ];
  return { needed, versions, problems };
}

// OpenSSL's function names (SSL_new, BIO_read, ...).
const OPENSSL_SYMBOL = /^(SSL|SSL_CTX|BIO|EVP|X509|PEM|ERR|OPENSSL|TLS|d2i|i2d|PKCS12)_/;

/**
 * What is wrong with how a prebuild gets OpenSSL: it must look its functions
 * up in the node process at run time (src-native/tls.cc), so it may neither
 * link to any (`symbols`: the names it imports or exports) nor carry a copy
 * of its own (whose version text would be in the file).
 */
export function opensslProblems(file, symbols) {
  const linked = symbols.filter((name) => OPENSSL_SYMBOL.test(name));
  const copy = /OpenSSL \d+\.\d+\.\d+/.exec(readFileSync(file).toString('latin1'));
  return [
    ...(linked.length > 0 ? [`links OpenSSL functions (${linked.slice(0, 3).join(', ')}, ...): TLS must use the node process's`] : []),
    ...(copy ? [`carries a copy of OpenSSL ("${copy[0]}")`] : []),
  ];
}
