/**
 * A connection as a node:stream Duplex (see Connection.stream()), for what
 * takes a socket: tls.TLSSocket, http.Server, stream.pipeline, readline.
 * Built on the connection's public events: a connection that never made one
 * pays nothing for it.
 */
import type { AddressInfo } from 'node:net';
import { constants } from 'node:os';
import { Duplex } from 'node:stream';

import type { CloseInfo, Connection, DisconnectCause } from './connection';

/** An error of a {@link ConnectionStream}, named as node:net names it (`code` ECONNRESET, EPIPE, ...). */
export interface ConnectionStreamError extends NodeJS.ErrnoException {
  code: string;
  /** Why the connection closed; absent for a write after end() while the connection was still open. */
  disconnectCause?: DisconnectCause;
}

/** @internal What the stream takes from its connection's server. */
export interface ConnectionStreamOptions {
  /** Both sides' high-water mark: the server's writeHighWaterBytes. */
  highWaterMark: number;
  /** The server's allowHalfOpen. */
  allowHalfOpen: boolean;
  /** The peer's FIN came before the stream was made. */
  peerEnded: boolean;
}

type Callback = (err?: Error | null) => void;

/**
 * The Duplex of one {@link Connection}: reads what the peer sends, writes
 * to it, with backpressure both ways, and errors named as node:net's.
 */
export class ConnectionStream extends Duplex {
  /** The connection this stream reads and writes. */
  readonly connection: Connection;
  #pausedConnection = false;  // the readable side is full: the connection waits for _read()
  #pushedEnd = false;
  #closedAs: DisconnectCause | undefined;  // why the connection closed (after 'end', the stream lives on)
  // The write or end the connection has not confirmed. A failed one waits
  // for the 'close' that follows at once and says why it failed.
  #inFlight: Callback | undefined;

  /** @internal Made by Connection.stream(). */
  constructor(connection: Connection, options: ConnectionStreamOptions) {
    super({
      // The same mark as the event API's: write() returns false when as many
      // bytes wait unsent as would make the connection's write() return false
      // (writes wait here while the connection sends the one before), and the
      // connection pauses when as many wait unread, as for a for-await loop.
      highWaterMark: options.highWaterMark,
      // As a node:net socket takes it from its server. Without it the stream
      // ends its writable side once its reader has taken the peer's FIN,
      // after what was written through it before: the connection leaves that
      // to the stream, as ending at the FIN itself would cut those writes
      // off. A layer that ends the stream when it is done (TLS, HTTP, a
      // pipeline through a transform) wants it true, as http.Server makes
      // its own sockets.
      allowHalfOpen: options.allowHalfOpen,
    });
    this.connection = connection;
    connection.on('data', this.#onData).on('end', this.#onEnd).on('timeout', this.#onTimeout).on('close', this.#onClose);
    if (connection.closed) this.destroy();
    else if (options.peerEnded) this.#onEnd();
  }

  /** The peer's address (the connection's; so are the four below), as node:net's socket has it. */
  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  /** The peer's port. */
  get remotePort(): number {
    return this.connection.remotePort;
  }

  /** `'IPv4'` or `'IPv6'`. */
  get remoteFamily(): 'IPv4' | 'IPv6' {
    return this.connection.remoteFamily;
  }

  /** The server's address this connection reached. */
  get localAddress(): string {
    return this.connection.localAddress;
  }

  /** The server's port. */
  get localPort(): number {
    return this.connection.localPort;
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.connection.bytesRead;
  }

  /** Bytes passed to the connection's write() so far (what waits in this stream is not counted yet). */
  get bytesWritten(): number {
    return this.connection.bytesWritten;
  }

  /** The idle time set by setTimeout() in ms (0 = none). */
  get timeout(): number {
    return this.connection.timeout;
  }

  /** The local end, as node:net's `socket.address()`. */
  address(): AddressInfo {
    const { localAddress: address, localPort: port } = this.connection;
    return { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port };
  }

  /**
   * The connection's setTimeout(ms[, callback]): 'timeout' is emitted here
   * too (`callback` becomes the connection's listener).
   */
  setTimeout(...args: Parameters<Connection['setTimeout']>): this {
    this.connection.setTimeout(...args);
    return this;
  }

  /** The connection's setNoDelay(noDelay = true). */
  setNoDelay(...args: Parameters<Connection['setNoDelay']>): this {
    this.connection.setNoDelay(...args);
    return this;
  }

  /** The connection's setKeepAlive(enable, initialDelay, { interval, count }). */
  setKeepAlive(...args: Parameters<Connection['setKeepAlive']>): this {
    this.connection.setKeepAlive(...args);
    return this;
  }

  override _read(): void {
    if (!this.#pausedConnection) return;
    this.#pausedConnection = false;
    this.connection.resume();
  }

  // One connection write per chunk (no copy); the last one's callback says
  // when the kernel has taken them all. Node's Writable calls this one batch
  // at a time (cork() gathers one), so one callback at most is in flight.
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: Callback): void {
    if (this.connection.ended) return callback(this.#writeAfterEnd());
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) this.connection.write(chunks[i].chunk);
    this.#inFlight = callback;
    this.connection.write(chunks[last].chunk, this.#confirm);
  }

  override _final(callback: Callback): void {
    // Closed quietly (the peer's FIN, or the connection's own end()): nothing is left to end.
    if (this.connection.closed) return callback();
    this.#inFlight = callback;
    this.connection.end(this.#confirm);
  }

  override _destroy(err: Error | null, callback: Callback): void {
    this.connection.off('data', this.#onData).off('end', this.#onEnd).off('timeout', this.#onTimeout).off('close', this.#onClose);
    // Both sides done (node's autoDestroy): the FIN is out and the connection
    // closes by itself. Anything else is an abort: reset, as node:net.
    const finished = err === null && this.writableFinished;
    if (!this.connection.closed && !finished) this.connection.destroy();
    callback(err);
  }

  #confirm = (err?: Error | null): void => {
    if (err) return;  // the 'close' right behind it names the failure
    const callback = this.#inFlight!;
    this.#inFlight = undefined;
    callback();
  };

  #onData = (data: Buffer): void => {
    if (this.push(data) || this.#pausedConnection) return;
    this.#pausedConnection = true;
    this.connection.pause();
  };

  #onEnd = (): void => {
    if (this.#pushedEnd) return;
    this.#pushedEnd = true;
    this.push(null);
  };

  #onTimeout = (): void => {
    this.emit('timeout');
  };

  #onClose = (info: CloseInfo): void => {
    const failed = this.#inFlight;
    this.#inFlight = undefined;
    this.#closedAs = info.cause;
    // The stream's end() in a 'timeout' listener counts as idle_timeout too: a close as planned.
    const endedInTimeout = info.cause === 'idle_timeout' && this.writableEnded;
    const outcome = endedInTimeout ? 'end' : (info.cause === 'error' && errnoName(info.errno)) || CLOSE_OUTCOMES[info.cause];
    let error: ConnectionStreamError | undefined;
    if (outcome === 'end') {
      this.#onEnd();
    } else if (outcome === 'destroy') {
      this.destroy();
    } else {
      error = streamError(outcome, info.errno, `${outcome}: the connection closed (${info.cause})`, info.cause);
      this.destroy(error);
    }
    failed?.(error ?? this.#writeAfterEnd());
  };

  #writeAfterEnd(): ConnectionStreamError {
    const cause = this.#closedAs;
    const why = cause ? `the connection closed (${cause})` : 'the connection was ended';
    return streamError('EPIPE', 0, `write EPIPE: ${why}`, cause);
  }
}

// How each close reaches the stream. 'end': the reader gets what is
// buffered, then 'end'. 'destroy': closed at once without an error, as
// node:net's destroy() — this side decided it, and a listener that threw was
// already reported as 'handlerError'. A code: an 'error' named as node:net
// names it — the peer or the network cut it off, or the server's limits on
// the peer did (idle time, buffer budget).
const CLOSE_OUTCOMES: Record<DisconnectCause, 'end' | 'destroy' | string> = {
  peer_fin: 'end',
  local_close: 'end',
  local_abort: 'destroy',
  handler_error: 'destroy',
  shutdown: 'destroy',
  peer_reset: 'ECONNRESET',
  idle_timeout: 'ETIMEDOUT',
  buffer_budget: 'ENOBUFS',
  tls_error: 'EPROTO',  // the engine's TLS: the peer broke the protocol
  error: 'ECONNABORTED',  // when the errno has no name of its own
};

function streamError(code: string, errno: number, message: string, cause?: DisconnectCause): ConnectionStreamError {
  return Object.assign(new Error(message), { code, errno, ...(cause ? { disconnectCause: cause } : {}) });
}

// The system's name of an errno (ETIMEDOUT after the TCP stack gave up);
// Windows' are WSA errors, named without the prefix, as node:net names them.
function errnoName(errno: number): string | undefined {
  const prefix = process.platform === 'win32' ? 'WSA' : '';
  const found = Object.entries(constants.errno).find(([name, value]) => value === errno && name.startsWith(prefix));
  return found?.[0].slice(prefix.length);
}
