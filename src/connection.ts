/**
 * One TCP connection served by a JS handler. Node-like: 'data', 'end',
 * 'drain' and 'close' events; write() returns false above the high-water mark.
 */
import { ERROR_CODES, IocpTcpError, invalidArg } from './errors';
import type { NativeEngine } from './native';
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
  | 'error';

/** What the 'close' event reports. */
export interface CloseInfo {
  cause: DisconnectCause;
  /** errno (Windows: WSA error) behind `peer_reset` or `error`, else 0. */
  errno: number;
  durationSeconds: number;
}

/** Settings a Connection takes from its server. */
export interface ConnectionSettings {
  allowHalfOpen: boolean;
  writeHighWaterBytes: number;
}

/** The events of a {@link Connection} and what their listeners receive. */
export interface ConnectionEvents {
  /** Bytes from the peer (data already on its way may still arrive shortly after pause()). */
  data: [data: Buffer];
  /** The peer sent FIN. */
  end: [];
  /** Unsent bytes fell below the high-water mark after write() returned false. */
  drain: [];
  /** The connection is fully closed; why, and after how long. */
  close: [info: CloseInfo];
}

/**
 * A connection accepted by a {@link Server}; its events are {@link ConnectionEvents}.
 */
export class Connection extends TypedEventEmitter<ConnectionEvents> {
  /** Engine id; never reused for another connection. */
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  #bytesRead = 0;
  #bytesWritten = 0;
  #ended = false;
  #closed = false;
  #engine: NativeEngine;
  #settings: ConnectionSettings;
  #onHandlerError: (err: unknown) => void;
  #bytesSent = 0;
  #needDrain = false;

  /** @internal Created by the server for each accepted connection. */
  constructor(
    engine: NativeEngine,
    id: number,
    remoteAddress: string,
    remotePort: number,
    settings: ConnectionSettings,
    onHandlerError: (err: unknown) => void,
  ) {
    // An async listener that rejects is a handler error like a throw, not an
    // unhandled rejection that ends the process.
    super({ captureRejections: true });
    this.#engine = engine;
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
    this.#settings = settings;
    this.#onHandlerError = onHandlerError;
  }

  /** @internal EventEmitter calls this when a listener's promise rejects. */
  [Symbol.for('nodejs.rejection')](err: unknown): void {
    this.#onHandlerError(err);
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
    return this.bytesWritten - this.#bytesSent;
  }

  /**
   * Queues `data` for sending. Returns false when the unsent bytes reach the
   * high-water mark: wait for 'drain' before writing more. After the
   * connection closed the data is dropped and false is returned ('close' has
   * told why); after end() it throws ERR_IOCP_TCP_WRITE_AFTER_END.
   */
  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean {
    const bytes = toBuffer(data, encoding);
    if (this.#closed) return false;
    if (this.ended) throw new IocpTcpError(ERROR_CODES.WRITE_AFTER_END, 'write() after end()');
    this.#bytesWritten += bytes.length;
    const full = this.writableLength >= this.#settings.writeHighWaterBytes;
    if (full) this.#needDrain = true;
    this.#engine.write(this.id, bytes, full);
    return !full;
  }

  /** Sends `data` (if any) and then FIN; the connection closes after the peer's FIN. */
  end(data?: string | Uint8Array, encoding?: BufferEncoding): void {
    const bytes = data === undefined ? undefined : toBuffer(data, encoding);
    if (this.ended || this.closed) return;
    this.#ended = true;
    if (bytes !== undefined) this.#bytesWritten += bytes.length;
    this.#engine.end(this.id, bytes);
  }

  /** Stops reading from the peer (its sends then back up in TCP) until resume(). */
  pause(): void {
    if (!this.closed) this.#engine.pause(this.id);
  }

  /** Reads from the peer again after pause(). */
  resume(): void {
    if (!this.closed) this.#engine.resume(this.id);
  }

  /** Closes at once with RST, dropping unsent data (cause `local_abort`). */
  destroy(): void {
    this.#abort(false);
  }

  /** @internal A listener failed: reset, cause `handler_error`. */
  destroyForHandlerError(): void {
    this.#abort(true);
  }

  #abort(handlerError: boolean): void {
    if (this.closed) return;
    this.#ended = true;
    this.#engine.destroy(this.id, handlerError);
  }

  // Every data, end and drain event says how many bytes the kernel has taken,
  // so writableLength follows the real queue, not only after a 'drain'.
  /** @internal */
  handleData(data: Buffer, bytesSent: number): void {
    this.#bytesSent = bytesSent;
    this.#bytesRead += data.length;
    this.emit('data', data);
  }

  /** @internal */
  handleEnd(bytesSent: number): void {
    this.#bytesSent = bytesSent;
    this.emit('end');
    if (!this.#settings.allowHalfOpen) this.end();
  }

  /** @internal */
  handleDrain(bytesSent: number): void {
    this.#bytesSent = bytesSent;
    if (this.#needDrain && this.writableLength < this.#settings.writeHighWaterBytes) {
      this.#needDrain = false;
      this.emit('drain');
    }
  }

  /** @internal */
  handleClose(info: CloseInfo): void {
    this.#ended = true;
    this.#closed = true;
    this.emit('close', info);
  }
}

function toBuffer(data: string | Uint8Array, encoding?: BufferEncoding): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw invalidArg('data must be a string, Buffer or Uint8Array');
}
