// Bun echo for the benchmarks (Bun.listen, uSockets underneath): writes back
// what it reads; what the socket does not take waits in a per-socket queue,
// flushed on 'drain', and reading is not paused (Bun has no pause).
// Prints "listening PORT". bun-tls-echo.js serves the same handlers over TLS.
const pending = new Map();

function flush(socket) {
  const queue = pending.get(socket);
  while (queue && queue.length > 0) {
    const head = queue[0];
    const written = socket.write(head);
    if (written < head.length) {
      queue[0] = head.subarray(written);
      return;
    }
    queue.shift();
  }
}

/** Bun.listen's socket handlers. */
export const echo = {
  open(socket) {
    socket.setNoDelay?.(true);
    pending.set(socket, []);
  },
  data(socket, data) {
    const queue = pending.get(socket);
    if (queue.length > 0) {
      queue.push(Buffer.from(data));
      return;
    }
    const written = socket.write(data);
    if (written < data.length) queue.push(Buffer.from(data.subarray(written)));
  },
  drain(socket) {
    flush(socket);
  },
  end(socket) {
    socket.end();  // the peer's FIN: end ours, as the other echo servers do
  },
  close(socket) {
    pending.delete(socket);
  },
  error(socket) {
    pending.delete(socket);
  },
};

if (import.meta.main) {
  const server = Bun.listen({
    hostname: process.argv[2] ?? '127.0.0.1',
    port: Number(process.argv[3] ?? 0),
    socket: echo,
  });
  console.log(`listening ${server.port}`);
}
