import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { Socket, connect } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import t from 'tap';

const ROUNDS = 20;
const CLIENTS = 10;
const index = join(__dirname, '..', '..', 'dist', 'index.js');
const backend = process.env.IOCP_TCP_TEST_BACKEND ?? 'auto';

// A JS echo server in a worker thread; it posts its port once listening.
// Terminating the worker while data flows makes every N-API call of the
// addon fail mid-way: none may turn that into a fatal error. Inline, the
// engine's turns run on the worker's own loop, which stops under them.
const workerSource = (options: string) => `
const { parentPort } = require('node:worker_threads');
const { createServer } = require(${JSON.stringify(index)});
const server = createServer({ backend: ${JSON.stringify(backend)}, ${options} }, (c) => c.on('data', (d) => c.write(d)));
server.listen({ host: '127.0.0.1', port: 0 }).then(({ port }) => parentPort.postMessage(port));
setInterval(() => server.stats(), 1);  // calls into the addon while it is torn down, as a scrape would
`;

/** Names of this process's threads that are iocp-tcp I/O threads. */
function ioThreads(): string[] {
  return readdirSync('/proc/self/task')
    .map((tid) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim())
    .filter((name) => name.startsWith('iocp-tcp-io-'));
}

/** Ping-pong on one socket until it closes. */
function pingPong(socket: Socket): void {
  socket.on('error', () => {});
  socket.on('data', () => socket.write('ping'));
  socket.on('connect', () => socket.write('ping'));
}

for (const [mode, options] of [['inline', 'inline: true'], ['threaded', 'inline: false, ioThreads: 2']]) {
  t.test(
    `a JS-handler server (${mode}) in a worker thread, terminated under load ${ROUNDS} times in a row, neither aborts the process nor leaks a thread`,
    { skip: process.platform !== 'linux' ? 'counts threads in /proc' : false },
    async (t) => {
      for (let round = 0; round < ROUNDS; round++) {
        const worker = new Worker(workerSource(options), { eval: true });
        const [port] = (await once(worker, 'message')) as [number];
        const sockets = Array.from({ length: CLIENTS }, () => connect(port, '127.0.0.1'));
        sockets.forEach(pingPong);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await worker.terminate();
        sockets.forEach((s) => s.destroy());
      }
      t.pass(`the process survived ${ROUNDS} terminations`);
      t.same(ioThreads(), [], 'no I/O thread is left');
    },
  );
}
