// The install-time source build, run as npm runs the install script (forced
// to build from source) in a temporary copy of the package:
// - on a system without liburing (Alpine/musl, minimal images) it must not
//   fail but build the epoll backend alone, say so once, and make --backend
//   io_uring a clear startup error. The headers are hidden from the compiler
//   with bind mounts in a private mount namespace (unshare: needs root, as CI
//   has);
// - with liburing.so but no liburing.a (Fedora and RHEL ship none) it links
//   liburing.so, and io_uring serves;
// - when the build fails, the install ends with what the system is, which
//   prebuilds exist and what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t, { Test } from 'tap';

import { startService } from '../../toolkit/service';

const root = join(__dirname, '..', '..');
const HEADERS = ['/usr/include/liburing.h', '/usr/include/liburing'];
const STATIC_LIBRARY = execFileSync('c++', ['-print-file-name=liburing.a'], { encoding: 'utf8' }).trim();

/** A temporary copy of what the package publishes, with this checkout's node_modules. */
function packageCopy(t: Test): string {
  const copy = mkdtempSync(join(tmpdir(), 'iocp-tcp-install-'));
  t.teardown(() => rmSync(copy, { recursive: true, force: true }));
  for (const file of ['package.json', 'binding.gyp', 'install.js', 'src-native', 'dist']) {
    cpSync(join(root, file), join(copy, file), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

t.test('a failed source build ends the install with what this system is and what to install', async (t) => {
  const copy = packageCopy(t);
  // CXX=false: every compile fails, as on a machine without a working compiler.
  const install = spawnSync('npm', ['run-script', 'install'], {
    cwd: copy,
    env: { ...process.env, npm_config_build_from_source: 'true', CXX: 'false' },
    encoding: 'utf8',
  });
  t.not(install.status, 0, 'the install fails');
  const tail = install.stderr.slice(install.stderr.lastIndexOf('iocp-tcp: '));
  t.match(tail, /^iocp-tcp: no build of the native addon loads on this system \(linux x64 glibc [\d.]+\)/, 'names the system, last');
  t.match(tail, 'Prebuilt: linux-x64 (glibc 2.31 or newer), linux-arm64', 'the prebuilds that exist');
  t.match(tail, 'apt-get install g++ make python3 liburing-dev', 'what to install');
  t.match(tail, 'no prebuild matched and the source build above failed', 'and why');
});

if (process.getuid?.() !== 0) {
  t.fail('this lane hides the liburing headers with bind mounts in a mount namespace: run it as root');
  t.end();
} else {
  const copy = packageCopy(t);
  const empty = join(copy, 'empty');
  mkdirSync(empty);

  /** Runs `command` with `paths` hidden (the liburing headers by default): an empty folder or file bound over each. */
  const withoutLiburing = (command: string, paths = HEADERS) => {
    const hide = paths.map((path) => `mount --bind ${/\.[ah]$/.test(path) ? '/dev/null' : empty} ${path}`).join(' && ');
    return spawnSync('unshare', ['--mount', 'sh', '-ec', `${hide}\n${command}`], {
      cwd: copy,
      env: { ...process.env, npm_config_build_from_source: 'true' },
      encoding: 'utf8',
    });
  };

  t.test('the headers are there outside the namespace and gone inside it (else this file tests nothing)', async (t) => {
    t.equal(execFileSync('node', ['src-native/probe-liburing.js'], { cwd: copy, encoding: 'utf8' }), 'static', 'found normally');
    t.equal(withoutLiburing('node src-native/probe-liburing.js', [STATIC_LIBRARY]).stdout, 'shared', 'liburing.so when liburing.a is hidden');
    const hidden = withoutLiburing('node src-native/probe-liburing.js');
    t.equal(hidden.stdout, 'none', 'not found with the headers hidden');
    t.match(hidden.stderr, 'liburing 2.3 or newer was not found', 'and the probe says why');
  });

  const loopback = ['--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0'];

  /** Starts the copy's service on `addon` with `args` (stopped at the end of `t`), as the suite does. */
  const serve = async (t: Test, addon: string, args: string[] = []) => {
    const service = await startService({ cli: join(copy, 'dist', 'cli.js'), env: { ...process.env, IOCP_TCP_ADDON: addon }, args });
    t.teardown(async () => {
      await service.stop('SIGTERM', 5_000);
      service.cleanup();
    });
    return service;
  };

  t.test('npm install builds the epoll-only addon, says so once, and io_uring is refused at start', async (t) => {
    const build = withoutLiburing('npm run-script install');
    t.equal(build.status, 0, 'the install build succeeds', { stderr: build.stderr.slice(-2000) });
    const said = `${build.stdout}${build.stderr}`;
    t.equal(said.split('liburing 2.3 or newer was not found').length - 1, 1, 'the missing liburing is reported exactly once');
    t.match(said, 'liburing-dev on Debian 12', 'with what to install');

    const addon = join(copy, 'build', 'Release', 'iocp_tcp.node');
    const env = { ...process.env, IOCP_TCP_ADDON: addon };
    const refused = spawnSync(process.execPath, [join(copy, 'dist', 'cli.js'), '--backend', 'io_uring', ...loopback], {
      env, encoding: 'utf8', timeout: 30_000,
    });
    t.equal(refused.status, 2, '--backend io_uring exits 2');
    t.match(refused.stdout + refused.stderr, /no io_uring backend: liburing .* was not found when it was built from source/, 'naming the missing piece');
    t.notMatch(refused.stdout + refused.stderr, '"listening"', 'before listening');

    const service = await serve(t, addon);
    t.equal(service.ready.backend, 'epoll', 'auto picks epoll');
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = connect(service.tcp.port, service.tcp.host, () => socket.end('no liburing, still echoing'));
      let got = '';
      socket.on('data', (chunk) => (got += chunk));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    t.equal(echoed, 'no liburing, still echoing', 'the epoll build echoes');
  });

  t.test('with liburing.so and no liburing.a the build links liburing.so, and io_uring serves', async (t) => {
    const build = withoutLiburing('npm run-script install', [STATIC_LIBRARY]);
    t.equal(build.status, 0, 'the install build succeeds', { stderr: build.stderr.slice(-2000) });
    t.notMatch(`${build.stdout}${build.stderr}`, 'liburing 2.3 or newer was not found', 'nothing reported missing');
    const addon = join(copy, 'build', 'Release', 'iocp_tcp.node');
    t.match(execFileSync('readelf', ['--dynamic', addon], { encoding: 'utf8' }), /NEEDED.*\[liburing\.so\.\d+\]/, 'the addon needs liburing.so');
    const service = await serve(t, addon, ['--backend', 'io_uring']);
    t.equal(service.ready.backend, 'io_uring', 'and serves on io_uring');
  });
}
