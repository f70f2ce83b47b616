// Deno echo for the benchmarks (Deno.listen, tokio underneath): one task per
// connection reads and writes everything back; the await on the write is the
// backpressure. (Piping conn.readable into conn.writable measured 3 to 4
// times slower here.) A 16 KiB buffer per connection: one read takes a
// 16 KiB message whole. Prints "listening PORT". deno-tls-echo.js serves
// the same way over TLS.

/** Echoes one connection (a Deno.TcpConn or Deno.TlsConn) until its peer ends. */
export async function serve(conn) {
  conn.setNoDelay?.(true);  // a Deno.TlsConn has none (see deno-tls-echo.js)
  const buffer = new Uint8Array(16 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      let sent = 0;
      while (sent < n) sent += await conn.write(buffer.subarray(sent, n));
    }
    await conn.closeWrite();
  } catch {
    // a reset peer: nothing to do but close
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

if (import.meta.main) {
  const listener = Deno.listen({ hostname: Deno.args[0] ?? '127.0.0.1', port: Number(Deno.args[1] ?? 0) });
  console.log(`listening ${listener.addr.port}`);
  for await (const conn of listener) serve(conn);
}
