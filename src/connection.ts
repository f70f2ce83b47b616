/**
 * One TCP connection served by a JS handler. Node-like: 'data', 'end',
 * 'drain' and 'close' events; write() returns false above the high-water mark.
 */
import { StringDecoder } from 'node:string_decoder';

import { ERROR_CODES, IocpTcpError, checkCallback, invalidArg } from './errors';
import type { CommandQueue } from './commands';
import { ConnectionStream } from './connection-stream';
import type { KeepAliveSeconds, NativeEngine } from './native';
import type { AddressInfo } from './server';
import type { PeerCertificate, TlsSessionInfo } from './tls';
import { TypedEventEmitter } from './typed-emitter';

/** Why a connection ended; see the README's metrics table. */
export type DisconnectCause =
  | 'peer_fin'
  | 'peer_reset'
  | 'local_close'
  | 'local_abort'
  | 'handler_error'
  | 'idle_timeout'
  | 'shutdown'
  | 'buffer_budget'
  | 'tls_error'
  | 'error';

/** What the 'close' event reports. */
export interface CloseInfo {
  cause: DisconnectCause;
  /** errno (Windows: WSA error) behind `peer_reset` or `error`, else 0. */
  errno: number;
  durationSeconds: number;
}

/** What a Connection needs from its server. */
export interface ConnectionContext {
  /** Writes, ends, resets and pauses, gathered per tick. */
  commands: CommandQueue;
  /** Socket options and timeouts, which go at once. */
  engine: NativeEngine;
  allowHalfOpen: boolean;
  writeHighWaterBytes: number;
  /** The engine's index of a cause, for the closes JS asks for. */
  causeIndex(cause: DisconnectCause): number;
  /** A listener of the connection threw or rejected. */
  onHandlerError(connection: Connection<Buffer | string>, err: unknown): void;
}

/** One end of a connection. */
export interface Endpoint {
  address: string;
  port: number;
}

/** node:net's names for the state of a connection (see {@link Connection.readyState}). */
export type ReadyState = 'open' | 'readOnly' | 'writeOnly' | 'closed';

/** More keepalive settings than node:net offers; see {@link Connection.setKeepAlive}. */
export interface KeepAliveProbes {
  /** Milliseconds between unanswered probes, rounded up to whole seconds (0 = system default). */
  interval?: number;
  /** Unanswered probes before the connection is dropped (0 = system default). */
  count?: number;
}

/** A write callback's error: the connection closed before these bytes reached the kernel. */
export interface ConnectionClosedError extends IocpTcpError {
  /** Why the connection closed. */
  readonly disconnectCause: DisconnectCause;
}

/**
 * The events of a {@link Connection} and what their listeners receive;
 * `Data` is string after {@link Connection.setEncoding}.
 */
export interface ConnectionEvents<Data extends Buffer | string = Buffer> {
  /** Bytes from the peer (data already on its way may still arrive shortly after pause()). */
  data: [data: Data];
  /** The peer sent FIN. */
  end: [];
  /** Unsent bytes fell below the high-water mark after write() returned false. */
  drain: [];
  /** No traffic either way for the time given to setTimeout(); the connection stays open. */
  timeout: [];
  /** The connection is fully closed; why, and after how long. */
  close: [info: CloseInfo];
}

type WriteCallback = (err?: Error | null) => void;

/**
 * A connection accepted by a {@link Server}; its events are {@link ConnectionEvents}.
 * Iterable: `for await (const chunk of connection)` reads with backpressure.
 * `Data` is what it reads: Buffers, or strings once {@link Connection.setEncoding} was called.
 */
export class Connection<Data extends Buffer | string = Buffer> extends TypedEventEmitter<ConnectionEvents<Data>> {
  /** Engine id; never reused for another connection. */
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** `'IPv6'` for an IPv6 peer (an IPv4 peer of a `::` listener shows as `::ffff:a.b.c.d`), else `'IPv4'`. */
  readonly remoteFamily: 'IPv4' | 'IPv6';
  /** The server's address this connection reached. */
  readonly localAddress: string;
  readonly localPort: number;
  #context: ConnectionContext;
  #bytesRead = 0;
  #bytesWritten = 0;
  #bytesSent = 0;
  #ended = false;  // end() or destroy() called
  #destroyed = false;
  #peerEnded = false;
  #closed = false;
  #userPaused = false;
  #closeCause: DisconnectCause = 'local_abort';  // set before #closed
  #needDrain = false;
  #timeout = 0;
  #inTimeout = false;  // a 'timeout' listener runs: its end()/destroy() counts as idle_timeout
  // write()/end() callbacks, each waiting for bytesSent to reach its offset.
  #callbacks: Array<{ offset: number; callback: WriteCallback }> = [];
  #reader: Reader | undefined;  // a for-await loop reading this connection
  #tls: TlsSessionInfo | undefined;  // what the handshake settled, on a TLS server
  #decoder: StringDecoder | undefined;  // set by setEncoding(): strings instead of Buffers
  #stream: ConnectionStream | undefined;  // made by stream(): it reads this connection

  /** @internal Created by the server for each accepted connection. */
  constructor(context: ConnectionContext, id: number, remote: Endpoint, local: Endpoint, tls?: TlsSessionInfo) {
    // An async listener that rejects is a handler error like a throw, not an
    // unhandled rejection that ends the process.
    super({ captureRejections: true });
    this.#context = context;
    this.#tls = tls;
    this.id = id;
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
    this.remoteFamily = familyOf(remote.address);
    this.localAddress = local.address;
    this.localPort = local.port;
  }

  /** True on a TLS server (the handshake is done by the time 'connection' fires), as node:tls's TLSSocket. */
  get encrypted(): boolean {
    return this.#tls !== undefined;
  }

  /** The negotiated TLS version (`'TLSv1.3'`, `'TLSv1.2'`), or null without TLS. */
  getProtocol(): string | null {
    return this.#tls?.protocol ?? null;
  }

  /** The negotiated cipher suite by OpenSSL's name and the protocol version, or null without TLS. */
  getCipher(): { name: string; version: string } | null {
    return this.#tls ? { name: this.#tls.cipher, version: this.#tls.protocol } : null;
  }

  /** The host name the client asked for (SNI), or false (also without TLS), as node:tls's `servername`. */
  get servername(): string | false {
    return this.#tls?.servername ?? false;
  }

  /** The protocol ALPN settled on (`ALPNProtocols`), or false, as node:tls's `alpnProtocol`. */
  get alpnProtocol(): string | false {
    return this.#tls?.alpnProtocol ?? false;
  }

  /**
   * With `requestCert`: whether the client's certificate chains to `ca`
   * (with `rejectUnauthorized`, the default, an unauthorized client never
   * gets this far). False without TLS or without requestCert.
   */
  get authorized(): boolean {
    return this.#tls?.authorizationError === null;
  }

  /** Why the client is not authorized (node:tls's codes, e.g. `'DEPTH_ZERO_SELF_SIGNED_CERT'`, or `'NO_PEER_CERTIFICATE'`); undefined when it is. */
  get authorizationError(): string | undefined {
    return this.#tls?.authorizationError ?? undefined;
  }

  /** The client's certificate (with `requestCert`), or `{}` when there is none, as node:tls's. */
  getPeerCertificate(): PeerCertificate | Record<string, never> {
    return this.#tls?.peerCertificate ?? {};
  }

  /** @internal EventEmitter calls this when a listener's promise rejects. */
  [Symbol.for('nodejs.rejection')](err: unknown): void {
    this.#context.onHandlerError(this, err);
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes passed to write()/end() so far, sent or not. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** True once end() or destroy() was called, or the connection closed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** True once 'close' was emitted. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes written but not yet handed to the kernel (as far as JS knows). */
  get writableLength(): number {
    return this.#bytesWritten - this.#bytesSent;
  }

  /**
   * As node:net: `'open'`; `'readOnly'` after end() (the peer may still
   * send); `'writeOnly'` after the peer's FIN (allowHalfOpen); `'closed'`.
   */
  get readyState(): ReadyState {
    if (this.#closed || this.#destroyed || (this.#ended && this.#peerEnded)) return 'closed';
    if (this.#ended) return 'readOnly';
    return this.#peerEnded ? 'writeOnly' : 'open';
  }

  /** The idle time set by setTimeout() in ms (0 = none). */
  get timeout(): number {
    return this.#timeout;
  }

  /** The local end (the server's address this connection reached), as node:net's socket.address(). */
  address(): AddressInfo {
    return { address: this.localAddress, family: familyOf(this.localAddress), port: this.localPort };
  }

  /**
   * As node:net: from now on 'data' listeners and `for await` get strings
   * decoded with `encoding` (default 'utf8'); a character split across
   * chunks waits for its last bytes, and an unfinished one comes out as
   * U+FFFD before 'end'. There is no way back to Buffers: null is refused
   * (node:net takes it for 'utf8'). Returns this connection, typed as one
   * that reads strings.
   */
  setEncoding(encoding: BufferEncoding = 'utf8'): Connection<string> {
    if (typeof encoding !== 'string' || !Buffer.isEncoding(encoding)) throw invalidArg(`unknown encoding ${String(encoding)}`);
    if (this.#stream) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, "the connection is read by its stream(): call the stream's setEncoding()");
    this.#decoder = new StringDecoder(encoding);
    return this as unknown as Connection<string>;
  }

  /**
   * Queues `data` for sending. Returns false when the unsent bytes reach the
   * high-water mark: wait for 'drain' before writing more. `callback` runs
   * once these bytes are handed to the kernel, or with an error (code
   * ERR_IOCP_TCP_CONNECTION_CLOSED, `disconnectCause`) if the connection
   * closes first. After the connection closed the data is dropped and false
   * is returned; after end() it throws ERR_IOCP_TCP_WRITE_AFTER_END.
   */
  write(data: string | Uint8Array, callback?: WriteCallback): boolean;
  write(data: string | Uint8Array, encoding?: BufferEncoding, callback?: WriteCallback): boolean;
  write(data: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (typeof encoding === 'function') [encoding, callback] = [undefined, encoding];
    const bytes = toBuffer(data, encoding);
    checkCallback(callback);
    if (this.#closed) {
      if (callback) process.nextTick(callback, this.#closedError());
      return false;
    }
    if (this.#ended) throw new IocpTcpError(ERROR_CODES.WRITE_AFTER_END, 'write() after end()');
    this.#bytesWritten += bytes.length;
    const full = this.writableLength >= this.#context.writeHighWaterBytes;
    if (full) this.#needDrain = true;
    if (callback) this.#callbacks.push({ offset: this.#bytesWritten, callback });
    this.#context.commands.write(this.id, bytes, full || callback !== undefined);
    return !full;
  }

  /**
   * Sends `data` (if any) and then FIN; the connection closes after the
   * peer's FIN. `callback` runs once everything written is handed to the
   * kernel (or with an error, as for write()). A second end() only adds its
   * callback; with data it throws ERR_IOCP_TCP_WRITE_AFTER_END, as write().
   */
  end(callback?: WriteCallback): void;
  end(data: string | Uint8Array, callback?: WriteCallback): void;
  end(data: string | Uint8Array, encoding?: BufferEncoding, callback?: WriteCallback): void;
  end(
    data?: string | Uint8Array | WriteCallback,
    encoding?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): void {
    if (typeof data === 'function') [data, encoding, callback] = [undefined, undefined, data];
    if (typeof encoding === 'function') [encoding, callback] = [undefined, encoding];
    const bytes = data === undefined ? undefined : toBuffer(data, encoding);
    checkCallback(callback);
    if (this.#closed) {
      if (callback) process.nextTick(callback, this.#closedError());
      return;
    }
    if (this.#destroyed) {
      if (callback) this.#callbacks.push({ offset: Infinity, callback });  // fails at the close
      return;
    }
    if (this.#ended) {
      if (bytes !== undefined && bytes.length > 0) throw new IocpTcpError(ERROR_CODES.WRITE_AFTER_END, 'end(data) after end()');
      if (callback) {
        this.#callbacks.push({ offset: this.#bytesWritten, callback });
        this.#context.commands.end(this.id, undefined, true);  // a drain event when all has left
      }
      return;
    }
    this.#ended = true;
    if (bytes !== undefined) this.#bytesWritten += bytes.length;
    if (callback) this.#callbacks.push({ offset: this.#bytesWritten, callback });
    const cause = this.#inTimeout ? this.#context.causeIndex('idle_timeout') : undefined;
    this.#context.commands.end(this.id, bytes, callback !== undefined, cause);
  }

  /** Stops reading from the peer (its sends then back up in TCP) until resume(). */
  pause(): void {
    this.#userPaused = true;
    this.#followPause();
  }

  /** Reads from the peer again after pause() (a for-await loop that is behind keeps it paused). */
  resume(): void {
    this.#userPaused = false;
    this.#followPause();
  }

  // The engine reads while neither the handler nor a lagging for-await loop paused it.
  #followPause(): void {
    if (this.#closed) return;
    if (this.#userPaused || this.#reader?.paused) {
      this.#context.commands.pause(this.id);
    } else {
      this.#context.commands.resume(this.id);
    }
  }

  /**
   * Closes at once with RST, dropping unsent data (cause `local_abort`;
   * `idle_timeout` when called from a 'timeout' listener).
   */
  destroy(): void {
    this.#abort(this.#inTimeout ? 'idle_timeout' : 'local_abort');
  }

  /** @internal A listener failed: reset, cause `handler_error`. */
  destroyForHandlerError(): void {
    this.#abort('handler_error');
  }

  #abort(cause: DisconnectCause): void {
    if (this.#closed || this.#destroyed) return;
    this.#ended = true;
    this.#destroyed = true;
    this.#context.commands.destroy(this.id, this.#context.causeIndex(cause));
  }

  /**
   * TCP_NODELAY: true (the server's default, see the `noDelay` option) sends
   * each write at once; false lets the kernel coalesce small writes (Nagle).
   */
  setNoDelay(noDelay = true): this {
    if (!this.#closed) this.#context.engine.setNoDelay(this.id, Boolean(noDelay));
    return this;
  }

  /**
   * TCP keepalive, as node:net's `setKeepAlive(enable, initialDelay)`, plus
   * what node:net cannot set: the interval between unanswered probes and
   * their count. Times in ms, rounded up to whole seconds (what Linux and
   * Windows take); 0 keeps the system's value.
   */
  setKeepAlive(enable = false, initialDelay = 0, probes: KeepAliveProbes = {}): this {
    const seconds = keepAliveSeconds(Boolean(enable), initialDelay, probes.interval ?? 0, probes.count ?? 0);
    if (!this.#closed) this.#context.engine.setKeepAlive(this.id, ...seconds);
    return this;
  }

  /**
   * Emits 'timeout' after `ms` without traffic either way (checked every
   * 100 ms), counted from the last traffic or from this call, whichever is
   * later; 0 turns it off. As in node:net the connection stays open: the
   * listener decides (calling setTimeout() again there arms the next one).
   * An end() or destroy() in a 'timeout' listener counts as cause `idle_timeout`.
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (typeof ms !== 'number' || !(ms >= 0 && ms <= MAX_TIMEOUT_MS)) {
      throw invalidArg(`timeout must be a number from 0 to ${MAX_TIMEOUT_MS} ms`);
    }
    ms = Math.ceil(ms);
    if (callback !== undefined) {
      if (typeof callback !== 'function') throw invalidArg('callback must be a function');
      // As node:net: setTimeout(0, callback) takes that listener away.
      if (ms === 0) this.off('timeout', callback);
      else this.once('timeout', callback);
    }
    this.#timeout = ms;
    if (!this.#closed) this.#context.engine.setTimeout(this.id, ms);
    return this;
  }

  /**
   * Reads the connection chunk by chunk. The connection is paused while
   * `writeHighWaterBytes` wait unread in the iterator. The loop ends after the
   * peer's FIN, or when this side closed it; a close for any other cause
   * (peer_reset, idle_timeout, shutdown, ...) throws
   * ERR_IOCP_TCP_CONNECTION_CLOSED. Leaving the loop early (break, throw)
   * before the peer's FIN destroys the connection, as node:net's iterator does.
   */
  async *[Symbol.asyncIterator](): AsyncIterableIterator<Data> {
    if (this.#reader) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, 'the connection is already being iterated');
    if (this.#stream) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, 'the connection is read by its stream(): iterate that instead');
    // Started after the peer's FIN or the close: there is nothing more to read.
    const reader: Reader = { queue: [], queued: 0, paused: false, endPending: false, done: this.#peerEnded || this.#closed };
    if (this.#closed && !QUIET_CLOSES.has(this.#closeCause)) reader.failure = this.#closedError('while reading');
    this.#reader = reader;
    let complete = false;
    try {
      for (;;) {
        while (reader.queue.length === 0 && !reader.done) await new Promise<void>((resolve) => (reader.wake = resolve));
        reader.wake = undefined;
        const entry = reader.queue.shift();
        if (entry === undefined) break;
        reader.queued -= entry.bytes;
        if (reader.paused && reader.queued < this.#context.writeHighWaterBytes) {
          reader.paused = false;
          this.#followPause();
        }
        yield entry.chunk as Data;
      }
      if (reader.failure) throw reader.failure;
      complete = true;
    } finally {
      this.#reader = undefined;
      if (reader.paused) this.#followPause();
      // The peer's FIN waited behind the chunks the loop had not taken yet.
      if (reader.endPending && !this.#closed) this.#guarded(() => this.#emitEnd());
      // Left early (break, return or a throw in the loop) while the peer still
      // sends and nothing ended it: as node:net, destroy. A moment later, so
      // that a throw in the loop is counted as the handler error it is.
      if (!complete && !reader.failure && !reader.done) {
        setImmediate(() => {
          if (!this.#ended) this.destroy();
        });
      }
    }
  }

  /**
   * This connection as a node:stream Duplex, for what takes a socket
   * (tls.TLSSocket, http.Server, stream.pipeline): made on the first call,
   * the same object after. It reads the connection from then on (data that
   * came before is not in it; 'data' listeners here still get every chunk),
   * so a `for await` loop over the connection is refused, and the stream's
   * own pause() is the one to use. See README, "connection.stream()".
   */
  stream(): ConnectionStream {
    if (this.#stream) return this.#stream;
    if (this.#decoder) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, "setEncoding() was called: a stream reads bytes (use the stream's setEncoding())");
    if (this.#reader) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, 'the connection is being iterated by for await: one reader at a time');
    const { writeHighWaterBytes: highWaterMark, allowHalfOpen } = this.#context;
    this.#stream = new ConnectionStream(this as Connection, { highWaterMark, allowHalfOpen, peerEnded: this.#peerEnded });
    return this.#stream;
  }

  #closedError(when = 'before the data was sent'): ConnectionClosedError {
    const err = new IocpTcpError(ERROR_CODES.CONNECTION_CLOSED, `the connection closed (${this.#closeCause}) ${when}`);
    return Object.assign(err, { disconnectCause: this.#closeCause });
  }

  // Every data, end, drain and close event says how many bytes the kernel has
  // taken, so writableLength follows the real queue and write callbacks run.
  #sent(bytesSent: number): void {
    this.#bytesSent = bytesSent;
    while (this.#callbacks.length > 0 && this.#callbacks[0].offset <= bytesSent) {
      const { callback } = this.#callbacks.shift()!;
      this.#guarded(() => callback());
    }
  }

  /** @internal A `for await` loop or the stream reads it: its chunks are kept, so never borrowed. */
  get keepsChunks(): boolean {
    return this.#reader !== undefined || this.#stream !== undefined;
  }

  /** @internal */
  handleData(data: Buffer, bytesSent: number): void {
    this.#sent(bytesSent);
    this.#bytesRead += data.length;
    const chunk = this.#decoder === undefined ? data : this.#decoder.write(data);
    if (chunk.length > 0) this.#deliver(chunk, data.length);  // empty: a character waits for its next bytes
  }

  // To a for-await loop, if one reads, and to the 'data' listeners.
  #deliver(chunk: Buffer | string, bytes: number): void {
    const reader = this.#reader;
    if (reader) {
      reader.queue.push({ chunk, bytes });
      reader.queued += bytes;
      if (reader.queued >= this.#context.writeHighWaterBytes && !reader.paused) {
        reader.paused = true;
        this.#followPause();
      }
      reader.wake?.();
    }
    this.emit('data', chunk as Data);
  }

  /** @internal */
  handleEnd(bytesSent: number): void {
    this.#sent(bytesSent);
    const unfinished = this.#decoder?.end();
    if (unfinished) this.#deliver(unfinished, 0);
    this.#peerEnded = true;
    const reader = this.#reader;
    if (reader) {
      reader.done = true;
      reader.wake?.();
      // As a node:net stream: 'end' (and the automatic end()) once the loop has taken every chunk.
      if (reader.queue.length > 0) {
        reader.endPending = true;
        return;
      }
    }
    this.#emitEnd();
  }

  #emitEnd(): void {
    this.emit('end');
    // A stream ends the connection itself, after what was written through it (see ConnectionStream).
    if (!this.#context.allowHalfOpen && !this.#stream) this.end();
  }

  // A listener run outside the server's dispatch: its failure is a handler error all the same.
  #guarded(run: () => void): void {
    try {
      run();
    } catch (err) {
      this.#context.onHandlerError(this, err);
    }
  }

  /** @internal */
  handleDrain(bytesSent: number): void {
    this.#sent(bytesSent);
    if (this.#needDrain && this.writableLength < this.#context.writeHighWaterBytes) {
      this.#needDrain = false;
      this.emit('drain');
    }
  }

  /** @internal */
  handleTimeout(): void {
    this.#inTimeout = true;
    try {
      this.emit('timeout');
    } finally {
      this.#inTimeout = false;
    }
  }

  /** @internal */
  handleClose(info: CloseInfo, bytesSent: number): void {
    this.#ended = true;
    this.#closed = true;
    this.#closeCause = info.cause;
    const reader = this.#reader;
    if (reader) {
      // The loop gets the chunks it has not taken, then ends; or fails if the connection was cut off.
      reader.endPending = false;  // no 'end' after 'close'
      if (!reader.done && !QUIET_CLOSES.has(info.cause)) reader.failure = this.#closedError('while reading');
      reader.done = true;
      reader.wake?.();
    }
    this.#sent(bytesSent);
    // Callbacks of bytes the kernel never took learn why.
    for (const { callback } of this.#callbacks.splice(0)) {
      const err = this.#closedError();
      this.#guarded(() => callback(err));
    }
    this.emit('close', info);
  }
}

/** The largest setTimeout() (24.8 days, as for JS timers). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Keepalive limits Linux sets (Windows allows more): seconds of idle time and interval, probes. */
export const KEEPALIVE_LIMITS = { seconds: 32767, count: 127 } as const;

/** Validates keepalive settings in ms and converts them to what the engine takes. */
export function keepAliveSeconds(enable: boolean, idleMs: number, intervalMs: number, count: number): KeepAliveSeconds {
  const toSeconds = (name: string, ms: number): number => {
    const maxMs = KEEPALIVE_LIMITS.seconds * 1000;
    if (typeof ms !== 'number' || !(ms >= 0 && ms <= maxMs)) throw invalidArg(`${name} must be a number from 0 to ${maxMs} ms`);
    return Math.ceil(ms / 1000);
  };
  if (!Number.isSafeInteger(count) || count < 0 || count > KEEPALIVE_LIMITS.count) {
    throw invalidArg(`keepalive probe count must be an integer from 0 to ${KEEPALIVE_LIMITS.count}`);
  }
  return [enable ? 1 : 0, toSeconds('keepalive initial delay', idleMs), toSeconds('keepalive interval', intervalMs), count];
}

/** The state of a for-await loop over a connection. */
interface Reader {
  queue: Array<{ chunk: Buffer | string; bytes: number }>;
  queued: number;
  paused: boolean;  // the loop paused the connection: it is behind by the high-water mark
  endPending: boolean;  // the peer's FIN came; 'end' waits until the queue is taken
  done: boolean;  // nothing more will be queued
  failure?: Error;
  wake?: () => void;
}

// Closes after which a reader has had all there was: the peer's FIN, or this side's own close.
const QUIET_CLOSES: ReadonlySet<DisconnectCause> = new Set(['peer_fin', 'local_close', 'local_abort']);

function familyOf(address: string): 'IPv4' | 'IPv6' {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

/** ArrayBuffer's `detached` where the runtime has it (Node 22); elsewhere, what cloning one says. */
function isDetached(buffer: ArrayBufferLike): boolean {
  const detached = (buffer as { detached?: boolean }).detached;
  if (detached !== undefined) return detached;
  try {
    structuredClone(buffer);
    return false;
  } catch {
    return true;
  }
}

function toBuffer(data: string | Uint8Array, encoding?: BufferEncoding): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  // What IOCP_TCP_CHECK_BORROWED makes of a borrowed view kept too long.
  if (data.length === 0 && isDetached(data.buffer)) {
    throw invalidArg('data is a detached buffer: a borrowed \'data\' chunk kept after its listener returned?');
  }
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw invalidArg('data must be a string, Buffer or Uint8Array');
}
