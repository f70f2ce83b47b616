// Run by binding.gyp when the addon is built from source: prints how liburing
// (2.3 or newer: multishot receive, buffer rings) can be linked — "static"
// (liburing.a, linked in), "shared" (liburing.so; Fedora and RHEL ship no
// liburing.a) — or "none" and, once, why and what to install: the build then
// has the epoll backend only. Compiles with $CXX and the flags node-gyp honours.
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const SOURCE = [
  '#include <liburing.h>',
  'int main() {',
  '  struct io_uring ring;',
  '  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring);',
  '  io_uring_prep_recv_multishot(sqe, 0, nullptr, 0, 0);',
  '  return io_uring_register_buf_ring(&ring, nullptr, 0);',
  '}',
].join('\n');

// $CXX may hold arguments ("ccache g++"), so the shell splits it and the flags.
const compile = (args) =>
  execFileSync('sh', ['-c', 'exec ${CXX:-c++} $CPPFLAGS $CXXFLAGS "$@" $LDFLAGS', 'probe-liburing', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });

function probe() {
  if (process.platform !== 'linux') return 'none';  // not asked: no io_uring outside Linux
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-liburing-'));
  try {
    const source = join(dir, 'probe.cc');
    writeFileSync(source, SOURCE);
    let why;
    for (const [linkage, libraries] of [['static', ['-Wl,-Bstatic', '-luring', '-Wl,-Bdynamic']], ['shared', ['-luring']]]) {
      try {
        compile([source, '-o', join(dir, 'probe'), ...libraries]);
        return linkage;
      } catch (err) {
        why ??= String(err.stderr || err.message).split('\n').find((line) => /error|not found/i.test(line)) || err.message;
      }
    }
    let compilerRuns = true;
    try {
      compile(['--version']);
    } catch {
      compilerRuns = false;
    }
    process.stderr.write(
      compilerRuns
        ? 'iocp-tcp: liburing 2.3 or newer was not found, so this build has the epoll backend only ' +
            '(--backend io_uring will refuse to start).\n' +
            `iocp-tcp: the compiler said: ${why.trim()}\n` +
            'iocp-tcp: for io_uring, install liburing 2.3 or newer (liburing-dev on Debian 12, Ubuntu 23.04 and Alpine; ' +
            'liburing-devel on Fedora and RHEL; older distributions ship an older one: build liburing from source) ' +
            'and reinstall iocp-tcp.\n'
        : `iocp-tcp: the C++ compiler (${process.env.CXX || 'c++'}) does not run: ${why.trim()}\n`,
    );
    return 'none';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(probe());
