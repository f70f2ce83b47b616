#!/usr/bin/env node
// Which build of the addon this node loads, and whether it serves: run by
// scripts/windows-host-check.mjs before the suite, once per build (the MSVC
// build, the prebuild, the package a user installed with --build-from-source).
//
//   node scripts/windows-host-probe.cjs            iocp-tcp of this checkout (dist/)
//   node scripts/windows-host-probe.cjs --app DIR  iocp-tcp as the app in DIR requires it
//
// Prints one JSON line: the addon file node-gyp-build picks for the package,
// the .node files the process really loaded, the backend, whether a native
// echo on 127.0.0.1 answered a line intact, and what listen() said with
// keepalive probes set (on Windows that is TCP_KEEPCNT, which needs Windows
// 10 1703 / Server 2019; Wine has none). Exits 0 whatever it found (the
// caller judges), 2 on bad arguments.
'use strict';
const { createConnection } = require('node:net');
const { dirname, join } = require('node:path');

const args = process.argv.slice(2);
if (!(args.length === 0 || (args.length === 2 && args[0] === '--app'))) {
  process.stderr.write('usage: node scripts/windows-host-probe.cjs [--app <dir>]\n');
  process.exit(2);
}
const pkgDir = args[0] === '--app'
  ? dirname(require.resolve('iocp-tcp/package.json', { paths: [args[1]] }))
  : join(__dirname, '..');

/** Sends a line to the server and resolves with what came back before the server's FIN. */
function roundTrip(port, line) {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const chunks = [];
    socket.setTimeout(10000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('connect', () => socket.end(line));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });
}

/** Listens with `options`, echoes one line, closes; what happened, as plain data. */
async function serve(createServer, options) {
  const server = createServer({ handler: 'echo', ...options });
  try {
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const line = `probe ${process.pid}\n`;
    const answer = await roundTrip(port, line);
    return { listened: true, backend: server.backend, echoed: answer === line };
  } catch (err) {
    return { listened: false, code: err.code, syscall: err.syscall, message: err.message };
  } finally {
    await server.close({ drainTimeoutMs: 0 }).catch(() => {});
  }
}

async function main() {
  const report = { node: process.version, platform: process.platform, arch: process.arch, package: pkgDir };
  try {
    report.resolved = require(require.resolve('node-gyp-build', { paths: [pkgDir] })).resolve(pkgDir);
  } catch (err) {
    report.resolved = null;
    report.resolveError = err.message;
  }
  try {
    const { createServer } = require(pkgDir);
    report.echo = await serve(createServer, {});
    report.keepAliveProbes = await serve(createServer, { keepAlive: true, keepAliveInitialDelay: 30000, keepAliveCount: 3 });
  } catch (err) {
    report.loadError = `${err.code ?? ''} ${err.message}`.trim();
  }
  report.loaded = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`windows-host-probe: ${err.stack}\n`);
  process.exit(1);
});
