/**
 * The echo service written on the public API: the JS twin of the native
 * `echo` handler, for comparison and as an example.
 */
import type { Connection } from '../connection';

/**
 * Writes every received byte back; a peer that does not read gets paused
 * until its echo drains. Ends after the peer's FIN (allowHalfOpen false).
 */
export default function jsEcho(connection: Connection): void {
  connection.on('data', (data: Buffer) => {
    if (!connection.write(data)) connection.pause();
  });
  connection.on('drain', () => connection.resume());
}
