// Run by binding.gyp when the addon is built from source: prints 1 when
// liburing (2.3 or newer: multishot receive, buffer rings; header and static
// library) can be compiled and linked against, else 0 and, once, why and what
// to install — the build then has the epoll backend only.
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

function probe() {
  if (process.platform !== 'linux') return true;  // not asked: no io_uring outside Linux
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-liburing-'));
  try {
    const source = join(dir, 'probe.cc');
    writeFileSync(source, [
      '#include <liburing.h>',
      'int main() {',
      '  struct io_uring ring;',
      '  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring);',
      '  io_uring_prep_recv_multishot(sqe, 0, nullptr, 0, 0);',
      '  return io_uring_register_buf_ring(&ring, nullptr, 0);',
      '}',
    ].join('\n'));
    const compiler = process.env.CXX || 'c++';
    execFileSync(compiler, [source, '-o', join(dir, 'probe'), '-Wl,-Bstatic', '-luring', '-Wl,-Bdynamic'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return true;
  } catch (err) {
    const why = String(err.stderr || err.message).split('\n').find((line) => /error/i.test(line)) || err.message;
    process.stderr.write(
      'iocp-tcp: liburing 2.3 or newer was not found, so this build has the epoll backend only ' +
        '(--backend io_uring will refuse to start).\n' +
        `iocp-tcp: the compiler said: ${why.trim()}\n` +
        'iocp-tcp: for io_uring, install liburing-dev (Debian, Ubuntu, Alpine) or liburing-devel (Fedora, RHEL) ' +
        'and reinstall iocp-tcp.\n',
    );
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(probe() ? '1' : '0');
