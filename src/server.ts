/**
 * The public server: owns one native engine, turns its event batches into
 * Connection events, and runs the graceful close.
 */
import { lookup } from 'node:dns/promises';
import type { EventEmitter } from 'node:events';

import type { BackendName } from './config';
import { CloseInfo, Connection, ConnectionContext, DisconnectCause, MAX_TIMEOUT_MS, keepAliveSeconds } from './connection';
import { ERROR_CODES, IocpTcpError, checkCallback, invalidArg } from './errors';
import type { RejectReason } from './metrics';
import { CommandQueue } from './commands';
import { EVENT, NativeEngine, RECORD_SIZE, STATS, loadNative } from './native';
import {
  EngineTlsOptions, HANDSHAKE_RESULTS, HandshakeInfo, TlsCredentials, TlsOptions, engineCredentials, engineTlsOptions, tlsSessionInfo,
} from './tls';
import { TypedEventEmitter } from './typed-emitter';

/** A backend that runs (what `'auto'` chose, or the one asked for). */
export type RunningBackend = Exclude<BackendName, 'auto'>;

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** `'js'` (default when a connection listener is given): connections reach JS. `'echo'`: the native echo, no JS per message. */
  handler?: 'echo' | 'js';
  /** Engine backend; `'auto'` (default) picks the best this host runs. */
  backend?: BackendName;
  /**
   * JS handlers: run the engine on the JS thread, driven by Node's event loop
   * (default true): each event reaches JS as the engine sees it and each
   * write goes to the kernel at once, with no thread in between. False: on
   * `ioThreads` threads of its own, events reaching JS in batches (see README,
   * "Scaling"). The native echo always has threads of its own.
   */
  inline?: boolean;
  /**
   * 'data' listeners get views of the engine's receive memory instead of
   * copies (default false): no allocation and no copy per chunk, but a view
   * is valid only until the listener returns — the next delivery overwrites
   * it. Copy what you keep (`Buffer.from(data)`); writing a view is safe (the
   * engine copies it as it takes it); a `for await` loop and a connection's
   * stream() still get copies.
   * IOCP_TCP_CHECK_BORROWED=1 in the environment detaches each delivery's
   * views once its listeners have returned, so that a kept one reads as empty.
   */
  borrowed?: boolean;
  /** Native I/O threads of the native echo, or of a JS handler with `inline: false` (default 1). */
  ioThreads?: number;
  /** Like node:net: when false (default), the server ends its side after the peer's FIN. */
  allowHalfOpen?: boolean;
  /** write() returns false at this many unsent bytes; the native echo stops reading above it (default 64 KiB). */
  writeHighWaterBytes?: number;
  /** Open connections at most; one more is reset and counted as rejected (default 0 = unlimited). */
  maxConnections?: number;
  /** Reset connections with no traffic for this long, cause `idle_timeout` (default 0 = off). */
  idleTimeoutMs?: number;
  /**
   * Bytes of memory all connections together may hold in send queues and
   * in data JS has not taken (default 256 MiB, at least 1 MiB). Above it the
   * connections that hold any of it stop reading until the total is back
   * under 3/4 of it; connections that hold none are served as ever.
   */
  bufferBudgetBytes?: number;
  /**
   * How long the total may stay above `bufferBudgetBytes` before the
   * largest holders are reset (cause `buffer_budget`) until it is back under
   * (default 10000 ms; 0 resets at the next 100 ms sweep).
   */
  bufferBudgetGraceMs?: number;
  /** TCP_NODELAY on every connection (default true: writes go out at once; node:net's default is false). */
  noDelay?: boolean;
  /** TCP keepalive on every connection (default false), as node:net's option of that name. */
  keepAlive?: boolean;
  /** Silence before the first keepalive probe, ms, rounded up to whole seconds (default 0 = system's, 2 hours). */
  keepAliveInitialDelay?: number;
  /** Time between unanswered probes, ms, rounded up to whole seconds (default 0 = system's: 75 s Linux, 1 s Windows). */
  keepAliveInterval?: number;
  /** Unanswered probes before the connection is dropped, cause `error` (default 0 = system's: 9 Linux, 10 Windows). */
  keepAliveCount?: number;
  /**
   * Serve TLS: every connection is encrypted with this certificate, and the
   * handler (the native echo, or 'connection' listeners, which run once the
   * handshake is done) sees plaintext. The engine does the TLS itself, with
   * the OpenSSL of this Node process. See README, "TLS".
   */
  tls?: TlsOptions;
}

/** Options as the server keeps them: defaults filled in, TLS as the engine takes it. */
type ResolvedOptions = Required<Omit<ServerOptions, 'tls'>> & { tls: EngineTlsOptions | undefined };

/** Options of {@link Server.listen}. */
export interface ListenOptions {
  /** Default 0: the system picks a free port. */
  port?: number;
  /** Default `'0.0.0.0'`. */
  host?: string;
  /**
   * Accepted as node:net does, and checked, but without effect: the engine's
   * listen queue is always 511, node:net's default.
   */
  backlog?: number;
}

/** Options of {@link Server.close}. */
export interface CloseOptions {
  /** How long open connections may carry on before they are closed with cause `shutdown` (default 10000). */
  drainTimeoutMs?: number;
}

/** The bound address, as node:net reports it. */
export interface AddressInfo {
  address: string;
  family: string;
  port: number;
}

/** What one I/O thread has served: connections are handed to the threads in turn. */
export interface ThreadStats {
  /** Connections this thread has taken. */
  accepted: number;
  /** Of those, the ones still open. */
  open: number;
}

/** Counters of the engine, summed over its threads, and each thread's share. */
export interface ServerStats {
  accepted: number;
  acceptErrors: number;
  rejected: { max_connections: number };
  receivedBytes: number;
  sentBytes: number;
  /** Memory holding connection data now: send queues and data JS has not taken. */
  bufferedBytes: number;
  /** Time spent with the holders of buffered bytes paused because bufferedBytes passed the budget. */
  overBudgetSeconds: number;
  /** io_uring: receives that ended because the thread's buffer ring was empty (re-armed, nothing lost). */
  recvBuffersExhausted: number;
  /** Calls into JS that delivered engine events, and the events they carried (events per call: how well they batch). */
  jsCalls: number;
  jsEvents: number;
  disconnects: Record<DisconnectCause, number>;
  /** One entry per I/O thread, in thread order (empty before listen()). */
  threads: ThreadStats[];
}

/** A failed accept: the system's error, and when the engine accepts again. */
export interface AcceptError extends NodeJS.ErrnoException {
  /** Milliseconds until the next accept: 100 after running out of descriptors or memory, else 0. */
  retryInMs: number;
}

/** A connection reset at once instead of served (see {@link ServerEvents} `drop`). */
export interface DropInfo {
  reason: RejectReason;
  remoteAddress: string;
  remotePort: number;
}

/** The events of a {@link Server} and what their listeners receive. */
export interface ServerEvents {
  /** A new connection (JS handler only). */
  connection: [connection: Connection];
  /** A connection ended (every connection, any handler). */
  disconnect: [cause: DisconnectCause, durationSeconds: number];
  /** A connection's listener threw or rejected (a thrown non-Error arrives wrapped in one); the connection was destroyed. */
  handlerError: [error: Error, connection: Connection];
  /** A connection was reset at once because `maxConnections` were open (as node:net's 'drop'). */
  drop: [info: DropInfo];
  /** An accept failed (e.g. `EMFILE`); the listener keeps going, accepting again after `retryInMs` (0 = at once). */
  acceptError: [error: AcceptError];
  /** The server has stopped: every connection is gone. */
  close: [];
  /** TLS: a connection's handshake ended, well or not (every TLS connection, any handler, once). */
  tlsHandshake: [info: HandshakeInfo];
}

/** A TCP server on the native engine; its events are {@link ServerEvents}. */
export class Server extends TypedEventEmitter<ServerEvents> {
  #options: ResolvedOptions;
  #engine: NativeEngine | undefined;
  #address: AddressInfo | null = null;
  #connections = new Map<number, Connection>();
  #causes: DisconnectCause[];
  #stopped: Promise<void> | undefined;
  #onStopped: (() => void) | undefined;
  #joined = false;
  #starting = false;  // listen() is resolving its host
  #drainDeadline = Infinity;  // when close() closes what is still open
  #refed = true;
  #commands = new CommandQueue();
  #context: ConnectionContext;
  #regionBytes = Buffer.alloc(0);  // over the engine's receive region (the command queue's `region`)
  #tlsNotAfter: number | null = null;
  #checkBorrowed = process.env.IOCP_TCP_CHECK_BORROWED === '1';

  constructor(options: ServerOptions = {}, onConnection?: (connection: Connection) => void) {
    // A 'connection' listener that rejects costs only its connection (see below).
    super({ captureRejections: true });
    this.#options = validateOptions(options, onConnection !== undefined);
    this.#causes = loadNative().causes as DisconnectCause[];
    this.#context = {
      commands: this.#commands,
      engine: undefined as unknown as NativeEngine,  // set by listen(), before any connection exists
      allowHalfOpen: this.#options.allowHalfOpen,
      writeHighWaterBytes: this.#options.writeHighWaterBytes,
      causeIndex: (cause) => this.#causes.indexOf(cause),
      // The same connection the 'connection' event gave, whatever setEncoding() made of its type.
      onHandlerError: (connection, err) => this.#handlerFailed(connection as Connection, err),
    };
    if (onConnection) this.on('connection', onConnection);
    // Rejections reach JS only while someone listens: a flood of them stays cheap otherwise.
    const followDropListeners = (event: string | symbol): void => {
      if (event === 'drop') queueMicrotask(() => this.#engine?.reportRejections(this.listenerCount('drop') > 0));
    };
    (this as unknown as EventEmitter).on('newListener', followDropListeners).on('removeListener', followDropListeners);
  }

  /** The backend that runs; null until listen() has started the engine. */
  get backend(): RunningBackend | null {
    return (this.#engine?.backend ?? null) as RunningBackend | null;
  }

  /** The connection limit the server was created with (0 = unlimited). */
  get maxConnections(): number {
    return this.#options.maxConnections;
  }

  /** True from close() until the engine has stopped: the listener is closed, open connections drain. */
  get draining(): boolean {
    return this.#stopped !== undefined && !this.#joined;
  }

  /** True while the server accepts connections: after listen(), before close(). */
  get listening(): boolean {
    return this.#engine !== undefined && this.#stopped === undefined;
  }

  /**
   * Starts the engine and binds, taking node:net's arguments:
   * `listen([port[, host[, backlog]]][, callback])` or `listen(options[,
   * callback])`. Resolves with the bound address; `callback` runs then too,
   * without arguments. Rejects with `code` (EADDRINUSE, ERR_IOCP_TCP_BACKEND,
   * ...), where node:net would emit 'error'; a server listens once: after
   * close() it rejects with ERR_IOCP_TCP_SERVER_STATE (create a new one).
   */
  listen(port?: number, host?: string, backlog?: number, callback?: () => void): Promise<AddressInfo>;
  listen(port: number, host: string, callback: () => void): Promise<AddressInfo>;
  listen(port: number, backlog: number, callback?: () => void): Promise<AddressInfo>;
  listen(port: number, callback: () => void): Promise<AddressInfo>;
  listen(callback: () => void): Promise<AddressInfo>;
  listen(options: ListenOptions, callback?: () => void): Promise<AddressInfo>;
  async listen(...args: unknown[]): Promise<AddressInfo> {
    if (this.#joined) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, 'the server is closed: create a new one to listen again');
    if (this.#engine || this.#starting) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, 'the server is already listening');
    const { port = 0, host: name = '0.0.0.0', backlog, callback } = listenArguments(args);
    if (typeof name !== 'string') throw invalidArg('host must be a string');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArg('port must be an integer from 0 to 65535');
    if (backlog !== undefined && !(Number.isInteger(backlog) && backlog >= 0)) throw invalidArg('backlog must be an integer of at least 0');
    // Names are resolved here, as node:net does: a name that does not resolve
    // rejects with ENOTFOUND (syscall getaddrinfo, hostname), and the engine
    // gets an address.
    this.#starting = true;
    let address: string;
    try {
      ({ address } = await lookup(name, { verbatim: true }));
    } finally {
      this.#starting = false;
    }
    const { Engine } = loadNative();
    const { handler, backend, ioThreads, writeHighWaterBytes, maxConnections, idleTimeoutMs, bufferBudgetBytes, bufferBudgetGraceMs, noDelay } = this.#options;
    const { keepAlive, keepAliveInitialDelay, keepAliveInterval, keepAliveCount } = this.#options;
    const engine = new Engine(
      {
        backend, ioThreads, handler, inline: this.#options.inline, writeHighWater: writeHighWaterBytes, maxConnections, idleTimeoutMs,
        bufferBudgetBytes,
        bufferBudgetGraceMs, noDelay,
        keepAlive: keepAliveSeconds(keepAlive, keepAliveInitialDelay, keepAliveInterval, keepAliveCount),
        tls: this.#options.tls,
      },
      (records, count, extras, region) => this.#dispatch(records, count, extras, region),
    );
    if (!this.#refed) engine.ref(false);
    engine.reportRejections(this.listenerCount('drop') > 0);
    try {
      this.#address = engine.listen(address, port);
    } catch (err) {
      engine.join();
      throw err;
    }
    this.#engine = engine;
    if (this.#options.tls) this.#tlsNotAfter = engine.tlsNotAfter();
    this.#context.engine = engine;
    this.#commands.attach(engine);
    if (callback) process.nextTick(callback);  // a throw in it is uncaught, as in node:net's 'listening' listener
    return this.#address;
  }

  /**
   * TLS: new connections get this certificate and these settings, as with
   * node:tls's setSecureContext(); open connections keep theirs. Throws
   * ERR_IOCP_TCP_TLS if OpenSSL refuses them (the server goes on with what it
   * had), ERR_IOCP_TCP_SERVER_STATE on a server made without `tls`.
   */
  setSecureContext(options: TlsOptions): void {
    const current = this.#tlsOptions();
    this.#applyTls({ ...engineTlsOptions(options), sni: current.sni });
  }

  /**
   * TLS, SNI: clients that ask for `hostname` (`'*.example.com'` matches one
   * label before it) get this certificate, with the server's other TLS
   * settings; as node:tls's addContext(). From then on for new connections;
   * the same hostname again replaces its certificate. Throws as setSecureContext().
   */
  addContext(hostname: string, credentials: TlsCredentials): void {
    if (typeof hostname !== 'string' || !/^(\*\.)?[^*\s]+$/.test(hostname)) throw invalidArg('hostname must be a host name, or *. and one');
    const current = this.#tlsOptions();
    const named = { servername: hostname, ...engineCredentials(credentials, `addContext(${hostname})`) };
    this.#applyTls({ ...current, sni: [...current.sni.filter((entry) => entry.servername !== hostname), named] });
  }

  #tlsOptions(): EngineTlsOptions {
    if (!this.#options.tls) throw new IocpTcpError(ERROR_CODES.SERVER_STATE, 'not a TLS server: create it with the tls option');
    return this.#options.tls;
  }

  // The engine makes a new context from them (OpenSSL's refusal throws, and changes nothing).
  #applyTls(tls: EngineTlsOptions): void {
    if (this.#engine && !this.#joined) {
      this.#engine.setTls(tls);
      this.#tlsNotAfter = this.#engine.tlsNotAfter();
    }
    this.#options.tls = tls;
  }

  /** TLS: when the serving certificate expires, in Unix seconds (from listen() on); null without TLS. */
  get tlsCertificateNotAfter(): number | null {
    return this.#tlsNotAfter;
  }

  /** Open connections now (any handler); `callback`, if given, gets the count as node:net's does. */
  getConnections(callback?: (err: Error | null, count: number) => void): number {
    const count = this.stats().threads.reduce((sum, thread) => sum + thread.open, 0);
    if (callback !== undefined) process.nextTick(callback, null, count);
    return count;
  }

  /** Lets the process exit while the server listens (as node:net); ref() undoes it. */
  unref(): this {
    this.#refed = false;
    if (this.#engine && !this.#joined) this.#engine.ref(false);
    return this;
  }

  /** The server keeps the process alive while it listens (the default). */
  ref(): this {
    this.#refed = true;
    if (this.#engine && !this.#joined) this.#engine.ref(true);
    return this;
  }

  /** The bound address, or null before listen() and once closed (as node:net). */
  address(): AddressInfo | null {
    return this.#joined ? null : this.#address;
  }

  /**
   * Stops accepting at once; open connections carry on until they close or
   * `drainTimeoutMs` passes, then the rest are closed with cause `shutdown`.
   * Resolves when every connection is gone and the engine has stopped (at
   * once when it never listened, or when it is closed already). `callback`,
   * as node:net's, runs once closed, or with an error (code
   * ERR_SERVER_NOT_RUNNING) when the server was not listening.
   */
  close(callback?: (err?: Error) => void): Promise<void>;
  close(options?: CloseOptions, callback?: (err?: Error) => void): Promise<void>;
  close(options: CloseOptions | ((err?: Error) => void) = {}, callback?: (err?: Error) => void): Promise<void> {
    if (typeof options === 'function') [options, callback] = [{}, options];
    checkCallback(callback);
    if (callback) {
      if (this.#engine && !this.#joined) this.once('close', () => callback());
      else process.nextTick(callback, new IocpTcpError(ERROR_CODES.SERVER_NOT_RUNNING, 'the server is not running'));
    }
    const { drainTimeoutMs = 10000 } = options;
    if (typeof drainTimeoutMs !== 'number' || !(drainTimeoutMs >= 0 && drainTimeoutMs <= MAX_TIMEOUT_MS)) {
      throw invalidArg(`drainTimeoutMs must be a number from 0 to ${MAX_TIMEOUT_MS}`);
    }
    if (!this.#engine) return Promise.resolve();
    // A second close() may bring the deadline forward (a second stop signal: "now"), never push it back.
    const deadline = Date.now() + drainTimeoutMs;
    if (this.#joined || (this.#stopped && deadline >= this.#drainDeadline)) return this.#stopped!;
    this.#drainDeadline = deadline;
    this.#stopped ??= new Promise<void>((resolve) => (this.#onStopped = resolve));
    this.#commands.flush();  // what was asked before the close comes first
    this.#engine.close(drainTimeoutMs);
    return this.#stopped;
  }

  /** Counters of the engine (read on every call; cheap). */
  stats(): ServerStats {
    const raw = this.#engine?.stats();
    const at = (i: number): number => (raw ? raw[i] : 0);
    const disconnects = {} as Record<DisconnectCause, number>;
    this.#causes.forEach((cause, i) => (disconnects[cause] = at(STATS.firstCause + i)));
    const threads: ThreadStats[] = [];
    for (let i = STATS.firstCause + this.#causes.length; raw && i + 1 < raw.length; i += 2) {
      threads.push({ accepted: raw[i], open: raw[i] - raw[i + 1] });
    }
    return {
      accepted: at(STATS.accepted),
      acceptErrors: at(STATS.acceptErrors),
      rejected: { max_connections: at(STATS.rejectedMaxConnections) },
      receivedBytes: at(STATS.receivedBytes),
      sentBytes: at(STATS.sentBytes),
      bufferedBytes: at(STATS.bufferedBytes),
      overBudgetSeconds: at(STATS.overBudgetSeconds),
      recvBuffersExhausted: at(STATS.recvBuffersExhausted),
      jsCalls: at(STATS.jsCalls),
      jsEvents: at(STATS.jsEvents),
      disconnects,
      threads,
    };
  }

  // One call per batch of engine events; extras hold addresses and data in
  // order. What the listeners ask, and the acks of the data they took (the
  // engine stops reading a connection while more than the high-water mark
  // waits here), go back in one call at the end of the batch.
  #dispatch(records: Float64Array, count: number, extras: string[] | undefined, region: ArrayBuffer | undefined): void {
    // IOCP_TCP_CHECK_BORROWED: borrowed views come from a copy, detached once the listeners have run.
    const checked = region !== undefined && this.#options.borrowed && this.#checkBorrowed ? region.slice(0) : undefined;
    const current = checked ?? region;
    if (current !== undefined && current !== this.#commands.region) this.#useRegion(current);
    try {
      this.#commands.hold(() => this.#dispatchRecords(records, count * RECORD_SIZE, extras ?? []));
    } finally {
      if (checked) {
        this.#useRegion(undefined);
        structuredClone(checked, { transfer: [checked] });  // detaches every view of it
      }
    }
  }

  #useRegion(region: ArrayBuffer | undefined): void {
    this.#regionBytes = region ? Buffer.from(region) : Buffer.alloc(0);
    this.#commands.region = region;
  }

  #dispatchRecords(records: Float64Array, end: number, extras: string[]): void {
    let extra = 0;
    for (let i = 0; i < end; i += RECORD_SIZE) {
      const type = records[i];
      const id = records[i + 1];
      if (type === EVENT.open) {
        const remote = { address: extras[extra++], port: records[i + 2] };
        const local = { address: extras[extra++], port: records[i + 3] };
        const tls = this.#options.tls ? tlsSessionInfo(extras[extra++]) : undefined;
        const connection = new Connection(this.#context, id, remote, local, tls);
        this.#connections.set(id, connection);
        this.#guard(connection, () => this.emit('connection', connection));
      } else if (type === EVENT.data) {
        const length = records[i + 3];
        if (!this.#options.inline) this.#commands.ack(id, length);  // inline, the engine knows: this call takes it
        const connection = this.#connections.get(id);
        if (connection && !connection.closed) {
          const start = records[i + 2];
          let data: Buffer;
          if (this.#options.borrowed && !connection.keepsChunks) {
            data = Buffer.from(this.#regionBytes.buffer, this.#regionBytes.byteOffset + start, length);
          } else {
            // The listener's to keep, as node:net's: a copy out of the region the
            // engine reuses, exactly its size (small ones share Node's pool).
            data = Buffer.allocUnsafe(length);
            this.#regionBytes.copy(data, 0, start, start + length);
          }
          this.#guard(connection, () => connection.handleData(data, records[i + 5]));
        }
      } else if (type === EVENT.end) {
        const connection = this.#connections.get(id);
        if (connection) this.#guard(connection, () => connection.handleEnd(records[i + 5]));
      } else if (type === EVENT.drain) {
        const connection = this.#connections.get(id);
        if (connection) this.#guard(connection, () => connection.handleDrain(records[i + 5]));
      } else if (type === EVENT.timeout) {
        const connection = this.#connections.get(id);
        if (connection) this.#guard(connection, () => connection.handleTimeout());
      } else if (type === EVENT.rejected) {
        this.#emitSafely('drop', { reason: 'max_connections', remoteAddress: extras[extra++], remotePort: records[i + 2] });
      } else if (type === EVENT.handshake) {
        const result = HANDSHAKE_RESULTS[records[i + 2]];
        const text = extras[extra++];
        this.#emitSafely('tlsHandshake', result === 'ok'
          ? { result, durationSeconds: records[i + 3], protocol: text }
          : { result, durationSeconds: records[i + 3], reason: text });
      } else if (type === EVENT.close) {
        this.#closeConnection(id, records[i + 2], records[i + 3], records[i + 4], records[i + 5]);
      } else if (type === EVENT.stopped) {
        this.#finishClose();
      } else if (type === EVENT.acceptFailed) {
        const code = extras[extra++];
        const failure = Object.assign(new Error(`accept ${code}`), { code, errno: records[i + 4], syscall: 'accept', retryInMs: records[i + 2] });
        this.#emitSafely('acceptError', failure);
      }
    }
  }

  #closeConnection(id: number, causeIndex: number, durationSeconds: number, errno: number, bytesSent: number): void {
    const info: CloseInfo = { cause: this.#causes[causeIndex], errno, durationSeconds };
    const connection = this.#connections.get(id);
    this.#connections.delete(id);
    if (connection) this.#guard(connection, () => connection.handleClose(info, bytesSent));
    this.#emitSafely('disconnect', info.cause, durationSeconds);
  }

  #finishClose(): void {
    this.#engine!.join();
    this.#joined = true;  // stats() still answers; nothing else may reach the engine
    this.#commands.attach(undefined);
    this.#connections.clear();
    this.#onStopped?.();
    this.#emitSafely('close');
  }

  /** @internal EventEmitter calls this when a listener's promise rejects. */
  [Symbol.for('nodejs.rejection')](err: unknown, event: string | symbol, ...args: unknown[]): void {
    if (event === 'connection') this.#handlerFailed(args[0] as Connection, err);
    else throwLater(err);
  }

  // A throwing listener costs only its own connection; the rest of the batch goes on.
  #guard(connection: Connection, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.#handlerFailed(connection, err);
    }
  }

  #handlerFailed(connection: Connection, err: unknown): void {
    connection.destroyForHandlerError();
    if (this.listenerCount('handlerError') === 0) return throwLater(err);
    this.#emitSafely('handlerError', err instanceof Error ? err : new Error(`handler threw ${String(err)}`), connection);
  }

  // The engine's events arrive in batches: a listener that throws must not
  // lose the rest of the batch (other connections' closes, the stop), so its
  // error surfaces as an uncaught exception once the batch is done.
  #emitSafely<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      throwLater(err);
    }
  }
}

/** The options listen() knows: node:net's path, ipv6Only, reusePort, ... would be ignored in silence. */
const LISTEN_OPTION_NAMES: ReadonlySet<string> = new Set<keyof ListenOptions>(['port', 'host', 'backlog']);

/** The arguments of listen(), sorted out as node:net does: a string after the port is the host, a number the backlog. */
function listenArguments(args: unknown[]): ListenOptions & { callback?: () => void } {
  const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as () => void) : undefined;
  if (typeof args[0] === 'object' && args[0] !== null) {
    const unknown = Object.keys(args[0]).filter((name) => !LISTEN_OPTION_NAMES.has(name));
    if (unknown.length > 0) throw invalidArg(`unknown listen option ${unknown.join(', ')}`);
    const { port, host, backlog } = args[0] as ListenOptions;
    return { port, host, backlog, callback };
  }
  const [port, ...rest] = args as [number?, ...unknown[]];
  const host = typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
  return { port, host, backlog: rest[0] as number | undefined, callback };
}

function throwLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}

/**
 * Creates a server. With `onConnection` (or `handler: 'js'`) each accepted
 * connection is a {@link Connection}; with `handler: 'echo'` the native echo
 * serves every connection without calling into JS per message.
 */
export function createServer(onConnection: (connection: Connection) => void): Server;
export function createServer(options?: ServerOptions, onConnection?: (connection: Connection) => void): Server;
export function createServer(
  options: ServerOptions | ((connection: Connection) => void) = {},
  onConnection?: (connection: Connection) => void,
): Server {
  return typeof options === 'function' ? new Server({}, options) : new Server(options, onConnection);
}

/** The options {@link createServer} knows; anything else is a mistake to report, not to ignore. */
const OPTION_NAMES: ReadonlySet<string> = new Set<keyof ServerOptions>([
  'handler', 'inline', 'borrowed', 'backend', 'ioThreads', 'allowHalfOpen', 'writeHighWaterBytes', 'maxConnections', 'idleTimeoutMs', 'bufferBudgetBytes',
  'bufferBudgetGraceMs', 'noDelay', 'keepAlive', 'keepAliveInitialDelay', 'keepAliveInterval', 'keepAliveCount', 'tls',
]);

function validateOptions(options: ServerOptions, hasListener: boolean): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalidArg('options must be an object');
  const unknown = Object.keys(options).filter((name) => !OPTION_NAMES.has(name));
  if (unknown.length > 0) throw invalidArg(`unknown option ${unknown.join(', ')}`);
  if (options.handler === 'echo' && hasListener) {
    throw invalidArg("option handler 'echo' serves connections natively and never calls a connection listener: drop one of them");
  }
  const resolved: ResolvedOptions = {
    handler: options.handler ?? (hasListener ? 'js' : 'echo'),
    inline: options.inline ?? (options.handler ?? (hasListener ? 'js' : 'echo')) === 'js',
    borrowed: options.borrowed ?? false,
    backend: options.backend ?? 'auto',
    ioThreads: options.ioThreads ?? 1,
    allowHalfOpen: options.allowHalfOpen ?? false,
    writeHighWaterBytes: options.writeHighWaterBytes ?? 64 * 1024,
    maxConnections: options.maxConnections ?? 0,
    idleTimeoutMs: options.idleTimeoutMs ?? 0,
    bufferBudgetBytes: options.bufferBudgetBytes ?? 256 * 1024 * 1024,
    bufferBudgetGraceMs: options.bufferBudgetGraceMs ?? 10000,
    noDelay: options.noDelay ?? true,
    keepAlive: options.keepAlive ?? false,
    keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
    keepAliveInterval: options.keepAliveInterval ?? 0,
    keepAliveCount: options.keepAliveCount ?? 0,
    tls: options.tls === undefined ? undefined : engineTlsOptions(options.tls),
  };
  for (const name of ['inline', 'borrowed', 'allowHalfOpen', 'noDelay', 'keepAlive'] as const) {
    if (typeof resolved[name] !== 'boolean') throw invalidArg(`${name} must be a boolean`);
  }
  // Throws for a keepalive value out of range.
  keepAliveSeconds(resolved.keepAlive, resolved.keepAliveInitialDelay, resolved.keepAliveInterval, resolved.keepAliveCount);
  if (resolved.handler !== 'echo' && resolved.handler !== 'js') throw invalidArg("handler must be 'echo' or 'js'");
  if (!Number.isInteger(resolved.ioThreads) || resolved.ioThreads < 1 || resolved.ioThreads > 64) {
    throw invalidArg('ioThreads must be an integer from 1 to 64');
  }
  if (resolved.inline && resolved.handler === 'echo') {
    throw invalidArg("option inline runs a JS handler on the JS thread; handler 'echo' has threads of its own: drop one of them");
  }
  if (resolved.inline && resolved.ioThreads > 1) {
    throw invalidArg('option ioThreads is for inline: false (or the native echo); inline, the engine runs on the one JS thread');
  }
  const minimums = [
    ['writeHighWaterBytes', 1], ['maxConnections', 0], ['idleTimeoutMs', 0], ['bufferBudgetBytes', 1 << 20], ['bufferBudgetGraceMs', 0],
  ] as const;
  for (const [name, min] of minimums) {
    const value = resolved[name];
    if (!Number.isSafeInteger(value) || value < min) throw invalidArg(`${name} must be an integer of at least ${min}`);
  }
  return resolved;
}
