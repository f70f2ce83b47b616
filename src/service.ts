/**
 * The iocp-tcp service: parses settings, serves TCP with the chosen handler,
 * serves metrics, and drains gracefully on SIGINT/SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import { Registry, collectDefaultMetrics } from 'prom-client';

import { Config, ConfigError, parseConfig } from './config';
import type { Connection } from './connection';
import { ERROR_CODES, IocpTcpError } from './errors';
import jsEcho from './handlers/js-echo';
import { Logger, createLogger } from './log';
import { VERSION, registerMetrics } from './metrics';
import { startMetricsServer } from './metrics-server';
import { Server, createServer } from './server';
import type { TlsSettings } from './tls';
import { type CredentialBytes, type CredentialFiles, credentialsOf, reloadCertificates } from './tls-reload';
import { consoleStopsCutShort, onStopRequest } from './stop-signals';

/** Exit codes of the service. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

type ConnectionHandler = (connection: Connection) => void;

/**
 * Runs the service until it is stopped by a signal. Resolves with the exit
 * code when startup fails; after a successful start it exits the process
 * itself once the drain is over.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: Config;
  let handler: ConnectionHandler | 'echo';
  let tls: ServiceTls | undefined;
  try {
    const parsed = parseConfig(argv, env);
    if (parsed.kind === 'help') {
      process.stdout.write(parsed.text);
      return EXIT.ok;
    }
    if (parsed.kind === 'version') {
      process.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    config = parsed.config;
    handler = await loadHandler(config.handler);
    tls = readTls(config, env);
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof IocpTcpError)) throw err;
    process.stderr.write(`iocp-tcp: ${err.message}\n`);
    return EXIT.usage;
  }
  const log = createLogger(config.logLevel);
  return serve(config, handler, tls, log);
}

/** What a handler module may export its function as. */
interface HandlerExports {
  default?: unknown;
  handler?: unknown;
}

/**
 * 'echo' stays native; anything else becomes a JS connection handler: the
 * function a module exports as module.exports, default or handler.
 */
export async function loadHandler(name: string): Promise<ConnectionHandler | 'echo'> {
  if (name === 'echo') return 'echo';
  if (name === 'js-echo') return jsEcho;
  let loaded: HandlerExports;
  try {
    // import() takes CommonJS and ES modules on every Node this package runs
    // on (require() of an ES module needs 20.19 or 22.12), and TypeScript
    // where Node strips types.
    loaded = await import(pathToFileURL(name).href);
  } catch (err) {
    throw new IocpTcpError(ERROR_CODES.HANDLER, whyNotLoaded(name, err as NodeJS.ErrnoException));
  }
  // A CommonJS module's exports are the namespace's default.
  const exported = loaded.default as HandlerExports | undefined;
  const candidates = [exported, exported?.default, exported?.handler, loaded.handler];
  const found = candidates.find((candidate) => typeof candidate === 'function');
  if (!found) {
    throw new IocpTcpError(ERROR_CODES.HANDLER, `handler module ${name} exports no function (module.exports, export default or handler)`);
  }
  return found as ConnectionHandler;
}

function whyNotLoaded(name: string, err: NodeJS.ErrnoException): string {
  // What Node without type stripping says of .ts, .mts and .cts.
  if (err.code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(name)) {
    return `${name}: this Node (${process.version}) cannot run TypeScript: compile it with tsc to .js, ` +
      'or use Node 22.18+ or 23.6+ (or 22.6+ with NODE_OPTIONS=--experimental-strip-types)';
  }
  return `cannot load handler module ${name}: ${whereItFailed(name, err)}`;
}

// A syntax error's message lacks the place. A CommonJS module's stack starts
// with "file:line"; an ES module's has no place at all, so ask `node --check`.
function whereItFailed(name: string, err: Error): string {
  if (!(err instanceof SyntaxError)) return err.message;
  const place = placeIn(err.stack) ?? placeIn(spawnSync(process.execPath, [...process.execArgv, '--check', name], { encoding: 'utf8' }).stderr);
  return place ? `${err.message} at ${place}` : err.message;
}

/** The first line of `text` when it is a "file:line" place. */
function placeIn(text: string | undefined): string | undefined {
  const first = text?.split(/\r?\n/)[0] ?? '';  // node.exe's stderr ends lines with CRLF
  return /:\d+$/.test(first) ? first : undefined;
}

/** The service's TLS: where its certificate comes from, what it held at start, and the settings. */
interface ServiceTls {
  files: CredentialFiles;
  loaded: CredentialBytes;
  passphrase: string;
  settings: TlsSettings;
}

/**
 * The TLS files, read at start (what OpenSSL makes of them, listen() says).
 * The passphrase comes from a file or the environment, never a flag (flags
 * show in process lists).
 */
function readTls(config: Config, env: NodeJS.ProcessEnv): ServiceTls | undefined {
  if (config.tlsCert === '' && config.tlsPfx === '') return undefined;
  const read = (path: string, flag: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(`${flag} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const files: CredentialFiles = config.tlsPfx !== '' ? { pfx: config.tlsPfx } : { cert: config.tlsCert, key: config.tlsKey };
  const loaded: CredentialBytes = Object.fromEntries(Object.entries(files).map(([name, path]) => [name, read(path, `--tls-${name}`)]));
  const passphrase = config.tlsPassphraseFile !== ''
    ? read(config.tlsPassphraseFile, '--tls-passphrase-file').toString('utf8').replace(/\r?\n$/, '')
    : env.IOCP_TCP_TLS_PASSPHRASE ?? '';
  return {
    files,
    loaded,
    passphrase,
    settings: {
      minVersion: config.tlsMinVersion,
      ALPNProtocols: config.tlsAlpn,
      ...(config.tlsClientAuth === 'none' ? {} : {
        requestCert: true,
        rejectUnauthorized: config.tlsClientAuth === 'require',
        ca: read(config.tlsCa, '--tls-ca'),
      }),
    },
  };
}

async function serve(config: Config, handler: ConnectionHandler | 'echo', tls: ServiceTls | undefined, log: Logger): Promise<number> {
  const options = {
    backend: config.backend,
    ioThreads: config.ioThreads,
    maxConnections: config.maxConnections,
    idleTimeoutMs: config.idleTimeoutMs,
    writeHighWaterBytes: config.writeHighWaterBytes,
    bufferBudgetBytes: config.bufferBudgetBytes,
    bufferBudgetGraceMs: config.bufferBudgetGraceMs,
    keepAlive: config.keepAliveMs > 0,
    keepAliveInitialDelay: config.keepAliveMs,
    keepAliveInterval: config.keepAliveIntervalMs,
    keepAliveCount: config.keepAliveProbes,
    ...(tls ? { tls: { ...tls.settings, ...credentialsOf(tls.loaded, tls.passphrase) } } : {}),
  };
  let server: Server;
  try {
    // A JS handler inline runs on the JS thread alone: --io-threads is for the others.
    const inline = handler !== 'echo' && config.jsMode === 'inline';
    server = handler === 'echo'
      ? createServer({ ...options, handler: 'echo' })
      : createServer({ ...options, handler: 'js', inline, borrowed: config.jsData === 'borrowed', ioThreads: inline ? 1 : config.ioThreads }, handler);
  } catch (err) {
    if ((err as { code?: string }).code !== ERROR_CODES.ADDON) throw err;
    // Several lines of advice: plain text, like a configuration error.
    process.stderr.write(`iocp-tcp: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
  server.on('handlerError', (err, connection) =>
    log.error('handler threw; connection destroyed', { err, connection: connection.id }));
  if (log.level === 'debug') {
    logDetails(server, log);
  } else {
    server.on('acceptError', logAtMostEverySecond(log, 'accept failed; the listener keeps going'));
  }
  try {
    await server.listen({ host: config.host, port: config.port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    log.error('cannot listen', { ...describeFailure(err), host: config.host, port: config.port });
    return code === ERROR_CODES.BACKEND || code === ERROR_CODES.TLS ? EXIT.usage : EXIT.failure;
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerMetrics(registry, server);
  const readiness = { ready: false };
  let metrics;
  try {
    metrics = await startMetricsServer(registry, readiness, config.metricsHost, config.metricsPort, log);
  } catch (err) {
    log.error('cannot listen for metrics', { ...describeFailure(err), host: config.metricsHost, port: config.metricsPort });
    await server.close({ drainTimeoutMs: 0 });
    return EXIT.failure;
  }
  readiness.ready = true;
  log.info('listening', {
    host: config.host,
    port: server.address()!.port,
    metricsHost: config.metricsHost,
    metricsPort: metrics.port,
    backend: server.backend,
    handler: config.handler,
    ...(handler === 'echo' ? {} : { jsMode: config.jsMode, jsData: config.jsData }),
    ioThreads: server.stats().threads.length,
    ...(tls ? { tlsMinVersion: config.tlsMinVersion, certificateNotAfter: new Date(server.tlsCertificateNotAfter! * 1000).toISOString() } : {}),
    version: VERSION,
  });
  // The timer is unref'd: it never holds the process; the exit ends it.
  if (tls && config.tlsReloadMs > 0) {
    reloadCertificates(server, tls.files, tls.passphrase, tls.settings, tls.loaded, config.tlsReloadMs, log);
  }
  const cutShort = consoleStopsCutShort(config.drainTimeoutMs);
  if (Object.keys(cutShort).length > 0) {
    log.warn('Windows ends the process before the drain timeout after these console events (limits in ms)', {
      drainTimeoutMs: config.drainTimeoutMs,
      ...cutShort,
    });
  }
  const drain = (signal: string): void => {
    // A second request while draining means "now": what is left is reset (cause shutdown).
    if (!readiness.ready) {
      log.warn('stop requested again: closing the remaining connections now', { signal });
      void server.close({ drainTimeoutMs: 0 });
      return;
    }
    readiness.ready = false;
    log.info('draining', { signal, drainTimeoutMs: config.drainTimeoutMs });
    void stop(server, config, log).then(() => {
      metrics.server.close();
      metrics.server.closeAllConnections();
      process.exit(EXIT.ok);
    });
  };
  onStopRequest(drain);
  return new Promise<number>(() => {});  // the process ends in drain()
}

// Failures an operator causes and fixes (a port in use, a name that does not
// resolve, ...) are logged as one line without a stack; anything else with it.
const EXPECTED_FAILURES = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN', ERROR_CODES.BACKEND, ERROR_CODES.TLS]);

function describeFailure(err: unknown): Record<string, unknown> {
  const { code, syscall, hostname, message } = err as NodeJS.ErrnoException & { hostname?: string };
  return code !== undefined && EXPECTED_FAILURES.has(code) ? { code, syscall, hostname, message } : { err };
}

// Out of descriptors, accepts fail up to ten times a second per I/O thread:
// one log line a second, with how many were left out, says enough.
function logAtMostEverySecond(log: Logger, msg: string): (err: NodeJS.ErrnoException) => void {
  let last = 0;
  let skipped = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < 1000) {
      skipped++;
      return;
    }
    log.warn(msg, { code: err.code, errno: err.errno, alsoFailedSinceLastLine: skipped });
    last = now;
    skipped = 0;
  };
}

// What only metrics count otherwise, one line each (--log-level debug);
// every failed accept too, instead of one line a second.
function logDetails(server: Server, log: Logger): void {
  server.on('drop', (info) => log.debug('connection rejected', { ...info }));
  server.on('disconnect', (cause, durationSeconds) => {
    if (cause === 'idle_timeout') log.debug('connection closed: idle timeout', { durationSeconds });
  });
  server.on('acceptError', (err) =>
    log.warn('accept failed; the listener keeps going', { code: err.code, errno: err.errno, retryInMs: err.retryInMs }));
}

async function stop(server: Server, config: Config, log: Logger): Promise<void> {
  await server.close({ drainTimeoutMs: config.drainTimeoutMs });
  const stats = server.stats();
  log.info('stopped', { accepted: stats.accepted, disconnects: stats.disconnects });
}
