/**
 * The echo service written on the public API: the JS twin of the native
 * `echo` handler, for comparison and as an example.
 */
import type { Connection } from '../connection';

/** Writes every received byte back; ends after the peer's FIN (allowHalfOpen false). */
export default function jsEcho(connection: Connection): void {
  connection.on('data', (data: Buffer) => connection.write(data));
}
