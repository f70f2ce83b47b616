/**
 * Service settings: one table ({@link SETTINGS}) drives both the argv/env
 * parser and the `--help` text, so the two can never disagree.
 *
 * Precedence: command-line flag, then environment variable, then default.
 * An empty environment variable counts as unset. Only the value that wins is
 * validated; every failure is a {@link ConfigError} with a one-line message
 * naming the flag, its environment variable and the rejected value.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve as resolvePath } from 'node:path';

/** I/O backends the engine can be asked for; `auto` picks the best one the host has. */
export const BACKENDS = ['auto', 'io_uring', 'epoll', 'iocp'] as const;

/** Name of an engine I/O backend, or `auto`. */
export type BackendName = (typeof BACKENDS)[number];

/** Where a JS handler's engine runs: on the JS thread, or on I/O threads of its own. */
export const JS_MODES = ['inline', 'threaded'] as const;

/** See {@link JS_MODES}. */
export type JsMode = (typeof JS_MODES)[number];

/** What a JS handler's 'data' listeners get: a copy to keep, or a view valid during the listener. */
export const JS_DATA = ['copied', 'borrowed'] as const;

/** See {@link JS_DATA}. */
export type JsData = (typeof JS_DATA)[number];

/** Log levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Minimum severity a log line needs to be written. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The service's resolved settings. */
export interface Config {
  /** Address the TCP listener binds. */
  host: string;
  /** TCP port; 0 picks a free (ephemeral) port. */
  port: number;
  /** Address the Prometheus metrics endpoint binds. */
  metricsHost: string;
  /** Port of the metrics endpoint; 0 picks a free port. */
  metricsPort: number;
  /** Engine backend; only backends of the current platform are accepted. */
  backend: BackendName;
  /** Number of native I/O threads, 1..64: the native echo's, or a threaded JS handler's. */
  ioThreads: number;
  /** `echo` (native), `js-echo`, or an absolute path to a JS handler module. */
  handler: string;
  /** A JS handler's engine: on the JS thread (`inline`) or on --io-threads threads (`threaded`). */
  jsMode: JsMode;
  /** A JS handler's 'data' chunks: copies (`copied`) or views valid during the listener (`borrowed`). */
  jsData: JsData;
  /** Open connections at most (0 = unlimited); more are reset and counted as rejected. */
  maxConnections: number;
  /** Close a connection after this many ms without traffic (0 = off). */
  idleTimeoutMs: number;
  /** Unsent bytes per connection above which write() returns false and the echo stops reading. */
  writeHighWaterBytes: number;
  /** Bytes all connections together may buffer (send queues, data JS holds); above it the holders stop reading. */
  bufferBudgetBytes: number;
  /** How long the total may stay above the budget before the largest holders are reset, ms. */
  bufferBudgetGraceMs: number;
  /** TCP keepalive: silence before the first probe, ms (0 = keepalive off). */
  keepAliveMs: number;
  /** Time between unanswered keepalive probes, ms (0 = the system's). */
  keepAliveIntervalMs: number;
  /** Unanswered keepalive probes before a connection is dropped (0 = the system's). */
  keepAliveProbes: number;
  /** How long a graceful shutdown waits for connections to finish, in ms. */
  drainTimeoutMs: number;
  /** Minimum level of log lines written to stdout. */
  logLevel: LogLevel;
  /** PEM file of the TLS certificate (and its chain), made absolute; '' = plain TCP. */
  tlsCert: string;
  /** PEM file of its private key, made absolute; '' = plain TCP. */
  tlsKey: string;
  /** Or both in one PKCS#12 file, made absolute. */
  tlsPfx: string;
  /** A file holding the passphrase of --tls-key or --tls-pfx (IOCP_TCP_TLS_PASSPHRASE may hold it instead). */
  tlsPassphraseFile: string;
  /** The oldest TLS version accepted. */
  tlsMinVersion: TlsVersion;
  /** How often the TLS files are read again to pick up a new certificate, ms (0 = never). */
  tlsReloadMs: number;
  /** PEM file of the CAs client certificates must chain to, made absolute; '' = none. */
  tlsCa: string;
  /** Client certificates: not asked for, asked for (JS sees whether they verified), or required. */
  tlsClientAuth: TlsClientAuth;
  /** ALPN protocols, preferred first; empty = no ALPN. */
  tlsAlpn: string[];
}

/** How the service treats client certificates. */
export const TLS_CLIENT_AUTH = ['none', 'request', 'require'] as const;

/** See {@link TLS_CLIENT_AUTH}. */
export type TlsClientAuth = (typeof TLS_CLIENT_AUTH)[number];

/** TLS versions the service may be limited to. */
export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

/** See {@link TLS_VERSIONS}. */
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** Thrown for any invalid flag, environment variable or value. Test `err.code`, not the text. */
export class ConfigError extends Error {
  /** Stable error code. */
  readonly code = 'ERR_IOCP_TCP_CONFIG';
  override readonly name = 'ConfigError';
}

/** What the parsers may depend on besides the raw text. */
export interface ParseContext {
  /** Platform whose backends are valid. */
  readonly platform: NodeJS.Platform;
  /** Directory a relative handler path is resolved against. */
  readonly cwd: string;
}

/** One row of the settings table. */
export interface Setting<T> {
  /** Command-line flag, e.g. `--port`; also accepted as `--port=value`. */
  readonly flag: `--${string}`;
  /** Placeholder shown after the flag in `--help`, e.g. `<port>`. */
  readonly metavar: string;
  /** Environment variable, e.g. `IOCP_TCP_PORT`. */
  readonly env: `IOCP_TCP_${string}`;
  /** One-line description for `--help` and the README. */
  readonly description: string;
  /** The default as shown in `--help` and the README. */
  readonly defaultText: string;
  /** Computes the default value. */
  readonly defaultValue: () => T;
  /**
   * Converts raw text to a value. Throws {@link InvalidValue} with the reason
   * (the caller adds the flag, env var and value to the message).
   */
  readonly parse: (raw: string, ctx: ParseContext) => T;
}

/** The settings table type: exactly one row per {@link Config} field. */
export type SettingsTable = { readonly [K in keyof Config]: Setting<Config[K]> };

/** Raised by a {@link Setting.parse} function; `message` completes `"<value>" ...`. */
export class InvalidValue extends Error {}

/** A parser for decimal integers from `min` to `max`, digits only (no sign, point or prefix). */
function integerIn(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= min && value <= max)) {
      throw new InvalidValue(`is not an integer from ${min} to ${max}`);
    }
    return value;
  };
}

/** A parser accepting exactly one of `choices`. */
function oneOf<T extends string>(choices: readonly T[]): (raw: string) => T {
  return (raw) => {
    if (!(choices as readonly string[]).includes(raw)) {
      throw new InvalidValue(`is not one of ${choices.join(', ')}`);
    }
    return raw as T;
  };
}

/** Accepts a host name or address as given (no DNS lookup): non-empty, no whitespace. */
function parseHost(raw: string): string {
  if (raw === '' || /\s/.test(raw)) {
    throw new InvalidValue('is not a host name or address (empty or contains whitespace)');
  }
  return raw;
}

/** Platform each specific backend runs on. */
const BACKEND_PLATFORM: Readonly<Record<Exclude<BackendName, 'auto'>, NodeJS.Platform>> = {
  io_uring: 'linux',
  epoll: 'linux',
  iocp: 'win32',
};

/** Accepts a known backend that the target platform supports. */
function parseBackend(raw: string, ctx: ParseContext): BackendName {
  const backend = oneOf(BACKENDS)(raw);
  if (backend !== 'auto' && BACKEND_PLATFORM[backend] !== ctx.platform) {
    throw new InvalidValue(
      `is only supported on ${BACKEND_PLATFORM[backend]} (this platform is ${ctx.platform})`,
    );
  }
  return backend;
}

/** Built-in handler names; anything else is a module path. */
const BUILTIN_HANDLERS: readonly string[] = ['echo', 'js-echo'];

/** Accepts a built-in handler name, or a module path that exists, made absolute. */
function parseHandler(raw: string, ctx: ParseContext): string {
  if (BUILTIN_HANDLERS.includes(raw)) return raw;
  const path = resolvePath(ctx.cwd, raw);
  if (!existsSync(path)) {
    throw new InvalidValue(
      `is not ${BUILTIN_HANDLERS.join(' or ')} and handler module not found: ${path}`,
    );
  }
  return path;
}

/** Accepts the path of a file that exists, made absolute. */
function parseFile(raw: string, ctx: ParseContext): string {
  const path = resolvePath(ctx.cwd, raw);
  if (!existsSync(path)) throw new InvalidValue(`names no file: ${path}`);
  return path;
}

/** A comma-separated list of ALPN protocol names, each 1 to 255 bytes. */
function parseAlpn(raw: string): string[] {
  const protocols = raw.split(',').map((p) => p.trim());
  if (protocols.some((p) => p === '' || Buffer.byteLength(p) > 255)) {
    throw new InvalidValue('is not a comma-separated list of protocol names (each 1 to 255 bytes)');
  }
  return protocols;
}

/** Default and its `--help` text for a fixed default value. */
function fixed<T extends string | number>(value: T): { defaultValue: () => T; defaultText: string } {
  return { defaultValue: () => value, defaultText: String(value) };
}

/** The single source of truth for every setting: parser, `--help` and README derive from it. */
export const SETTINGS: SettingsTable = {
  host: {
    flag: '--host', metavar: '<host>', env: 'IOCP_TCP_HOST', ...fixed('0.0.0.0'),
    description: 'Address the TCP server listens on.',
    parse: parseHost,
  },
  port: {
    flag: '--port', metavar: '<port>', env: 'IOCP_TCP_PORT', ...fixed(8090),
    description: 'TCP port, 0 to 65535 (0 picks a free port).',
    parse: integerIn(0, 65535),
  },
  metricsHost: {
    flag: '--metrics-host', metavar: '<host>', env: 'IOCP_TCP_METRICS_HOST', ...fixed('0.0.0.0'),
    description: 'Address of the Prometheus /metrics endpoint.',
    parse: parseHost,
  },
  metricsPort: {
    flag: '--metrics-port', metavar: '<port>', env: 'IOCP_TCP_METRICS_PORT', ...fixed(9464),
    description: 'Port of /metrics, 0 to 65535 (0 picks a free port).',
    parse: integerIn(0, 65535),
  },
  backend: {
    flag: '--backend', metavar: '<name>', env: 'IOCP_TCP_BACKEND', ...fixed<BackendName>('auto'),
    description: 'auto (io_uring if the kernel and build have it), io_uring, epoll, iocp.',
    parse: parseBackend,
  },
  ioThreads: {
    flag: '--io-threads', metavar: '<n>', env: 'IOCP_TCP_IO_THREADS',
    // A core left for the JS thread and the rest of the process: measured on
    // 2 cores, 1 I/O thread serves more per CPU second than 2 (README, Scaling).
    defaultValue: () => Math.min(4, Math.max(1, availableParallelism() - 1)),
    defaultText: 'CPUs - 1, 1 to 4',
    description: 'Native I/O threads, 1 to 64 (echo, or --js-mode threaded).',
    parse: integerIn(1, 64),
  },
  handler: {
    flag: '--handler', metavar: '<name|path>', env: 'IOCP_TCP_HANDLER', ...fixed('echo'),
    description: 'echo (native), js-echo, or a handler module path (see below).',
    parse: parseHandler,
  },
  jsMode: {
    flag: '--js-mode', metavar: '<mode>', env: 'IOCP_TCP_JS_MODE', ...fixed<JsMode>('inline'),
    description: 'A JS handler\'s engine: inline (on the JS thread) or threaded.',
    parse: oneOf(JS_MODES),
  },
  jsData: {
    flag: '--js-data', metavar: '<kind>', env: 'IOCP_TCP_JS_DATA', ...fixed<JsData>('copied'),
    description: 'A JS handler\'s \'data\': copied (to keep) or borrowed (a view).',
    parse: oneOf(JS_DATA),
  },
  maxConnections: {
    flag: '--max-connections', metavar: '<n>', env: 'IOCP_TCP_MAX_CONNECTIONS', ...fixed(10000),
    description: 'Open connections at most, 0 to 10000000; 0 = unlimited.',
    parse: integerIn(0, 10_000_000),
  },
  idleTimeoutMs: {
    flag: '--idle-timeout-ms', metavar: '<ms>', env: 'IOCP_TCP_IDLE_TIMEOUT_MS', ...fixed(0),
    description: 'Reset connections idle this long, 0 to 86400000 ms (a day); 0 = off.',
    parse: integerIn(0, 86_400_000),
  },
  writeHighWaterBytes: {
    flag: '--write-high-water-bytes', metavar: '<n>', env: 'IOCP_TCP_WRITE_HIGH_WATER_BYTES', ...fixed(65536),
    description: 'Unsent bytes before a connection pauses, 1024 to 1073741824 (1 GiB).',
    parse: integerIn(1024, 1 << 30),
  },
  bufferBudgetBytes: {
    flag: '--buffer-budget-bytes', metavar: '<n>', env: 'IOCP_TCP_BUFFER_BUDGET_BYTES', ...fixed(268435456),
    description: 'Bytes all connections may buffer; above it holders pause. 1 MiB to 1 TiB.',
    parse: integerIn(1 << 20, 2 ** 40),
  },
  bufferBudgetGraceMs: {
    flag: '--buffer-budget-grace-ms', metavar: '<ms>', env: 'IOCP_TCP_BUFFER_BUDGET_GRACE_MS', ...fixed(10000),
    description: 'Over the budget this long: reset the largest holders, 0 to 3600000 ms.',
    parse: integerIn(0, 3_600_000),
  },
  keepAliveMs: {
    flag: '--keepalive-ms', metavar: '<ms>', env: 'IOCP_TCP_KEEPALIVE_MS', ...fixed(0),
    description: 'Keepalive probes after this much silence, 0 to 32767000 ms; 0 = off.',
    parse: integerIn(0, 32_767_000),
  },
  keepAliveIntervalMs: {
    flag: '--keepalive-interval-ms', metavar: '<ms>', env: 'IOCP_TCP_KEEPALIVE_INTERVAL_MS', ...fixed(0),
    description: 'Between unanswered probes, 0 to 32767000 ms; 0 = system default.',
    parse: integerIn(0, 32_767_000),
  },
  keepAliveProbes: {
    flag: '--keepalive-probes', metavar: '<n>', env: 'IOCP_TCP_KEEPALIVE_PROBES', ...fixed(0),
    description: 'Unanswered probes before a connection is dropped, 0 to 127; 0 = default.',
    parse: integerIn(0, 127),
  },
  drainTimeoutMs: {
    flag: '--drain-timeout-ms', metavar: '<ms>', env: 'IOCP_TCP_DRAIN_TIMEOUT_MS', ...fixed(10000),
    description: 'Graceful shutdown deadline in ms, 0 to 3600000.',
    parse: integerIn(0, 3_600_000),
  },
  logLevel: {
    flag: '--log-level', metavar: '<level>', env: 'IOCP_TCP_LOG_LEVEL', ...fixed<LogLevel>('info'),
    description: 'Lowest level logged: debug, info, warn or error.',
    parse: oneOf(LOG_LEVELS),
  },
  tlsCert: {
    flag: '--tls-cert', metavar: '<file>', env: 'IOCP_TCP_TLS_CERT', defaultValue: () => '', defaultText: 'none (plain TCP)',
    description: 'Serve TLS: PEM certificate, then its chain (with --tls-key).',
    parse: parseFile,
  },
  tlsKey: {
    flag: '--tls-key', metavar: '<file>', env: 'IOCP_TCP_TLS_KEY', defaultValue: () => '', defaultText: 'none (plain TCP)',
    description: 'PEM private key of --tls-cert (unencrypted).',
    parse: parseFile,
  },
  tlsPfx: {
    flag: '--tls-pfx', metavar: '<file>', env: 'IOCP_TCP_TLS_PFX', defaultValue: () => '', defaultText: 'none',
    description: 'Serve TLS from a PKCS#12 file (instead of --tls-cert, --tls-key).',
    parse: parseFile,
  },
  tlsPassphraseFile: {
    flag: '--tls-passphrase-file', metavar: '<file>', env: 'IOCP_TCP_TLS_PASSPHRASE_FILE', defaultValue: () => '', defaultText: 'none',
    description: 'File with the passphrase of --tls-key or --tls-pfx.',
    parse: parseFile,
  },
  tlsMinVersion: {
    flag: '--tls-min-version', metavar: '<version>', env: 'IOCP_TCP_TLS_MIN_VERSION', ...fixed<TlsVersion>('TLSv1.2'),
    description: 'Oldest TLS version accepted: TLSv1.2 or TLSv1.3.',
    parse: oneOf(TLS_VERSIONS),
  },
  tlsReloadMs: {
    flag: '--tls-reload-ms', metavar: '<ms>', env: 'IOCP_TCP_TLS_RELOAD_MS', ...fixed(10000),
    description: 'Read the TLS files again this often, 0 to 3600000 ms; 0 = never.',
    parse: integerIn(0, 3_600_000),
  },
  tlsCa: {
    flag: '--tls-ca', metavar: '<file>', env: 'IOCP_TCP_TLS_CA', defaultValue: () => '', defaultText: 'none',
    description: 'PEM CAs that client certificates must chain to.',
    parse: parseFile,
  },
  tlsClientAuth: {
    flag: '--tls-client-auth', metavar: '<mode>', env: 'IOCP_TCP_TLS_CLIENT_AUTH', ...fixed<TlsClientAuth>('none'),
    description: 'Client certificates: none, request or require (needs --tls-ca).',
    parse: oneOf(TLS_CLIENT_AUTH),
  },
  tlsAlpn: {
    flag: '--tls-alpn', metavar: '<list>', env: 'IOCP_TCP_TLS_ALPN', defaultValue: () => [], defaultText: 'none',
    description: 'ALPN protocols, preferred first, comma-separated (e.g. h2,http/1.1).',
    parse: parseAlpn,
  },
};

/** Every settings key, in table order. */
const KEYS = Object.keys(SETTINGS) as (keyof Config)[];

/** Formats the `--help` text from {@link SETTINGS}. */
function formatHelp(): string {
  const rows = KEYS.map((key) => {
    const s: Setting<unknown> = SETTINGS[key];
    return {
      left: `${s.flag} ${s.metavar}`,
      lines: [`${s.description}`, `env ${s.env}, default: ${s.defaultText}`],
    };
  });
  rows.push({ left: '-h, --help', lines: ['Print this help and exit.'] });
  rows.push({ left: '-v, --version', lines: ['Print the version and exit.'] });
  // Flag on its own line, text indented below: long flag names stay in 80 columns.
  const body = rows.flatMap((r) => [`  ${r.left}`, ...r.lines.map((line) => `      ${line}`)]);
  return [
    'Usage: iocp-tcp [options]',
    '',
    'TCP server on a native completion-based engine, with Prometheus metrics.',
    'Each option can also be set by its environment variable; a flag wins over',
    'the variable, an empty variable counts as unset.',
    '',
    'Options:',
    ...body,
    '',
    'Handler modules (--handler <path>):',
    '  A module that exports a function, called with each connection, as',
    '  module.exports, export default or a named export handler.',
    '  CommonJS or ES module (.js, .cjs, .mjs) on every Node this runs on;',
    '  TypeScript (.ts, .mts, .cts) where Node strips types: 22.18+ and 23.6+,',
    '  or 22.6+ with NODE_OPTIONS=--experimental-strip-types; elsewhere compile',
    '  it with tsc and give the .js.',
    '',
  ].join('\n');
}

/** The `--help` text, generated from {@link SETTINGS}; ends with a newline. */
export const HELP_TEXT: string = formatHelp();

/** Result of {@link parseConfig}: the settings, the help text (`--help`/`-h`), or a request for the version (`--version`/`-v`). */
export type ParseResult = { kind: 'config'; config: Config } | { kind: 'help'; text: string } | { kind: 'version' };

/** Settings key of each flag. */
const KEY_BY_FLAG: ReadonlyMap<string, keyof Config> = new Map(
  KEYS.map((key) => [SETTINGS[key].flag, key]),
);

/** Reads `--flag value` / `--flag=value` pairs from argv; the last occurrence wins. */
function readFlags(argv: readonly string[]): Map<keyof Config, string> {
  const values = new Map<keyof Config, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new ConfigError(
        arg.startsWith('-')
          ? `unknown option ${arg} (see --help)`
          : `unexpected argument ${JSON.stringify(arg)} (see --help)`,
      );
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = KEY_BY_FLAG.get(flag);
    if (key === undefined) throw new ConfigError(`unknown option ${flag} (see --help)`);
    if (eq !== -1) {
      values.set(key, arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) {
      const s = SETTINGS[key];
      throw new ConfigError(`missing value for ${flag} ${s.metavar} (or set ${s.env})`);
    }
    values.set(key, next);
    i++;
  }
  return values;
}

/** Resolves one setting from its flag value, else its env var, else its default. */
function resolveSetting<K extends keyof Config>(
  key: K,
  flagValue: string | undefined,
  env: NodeJS.ProcessEnv,
  ctx: ParseContext,
): Config[K] {
  const s: Setting<Config[K]> = SETTINGS[key];
  const envValue = env[s.env] === '' ? undefined : env[s.env];
  const raw = flagValue ?? envValue;
  if (raw === undefined) return s.defaultValue();
  try {
    return s.parse(raw, ctx);
  } catch (err) {
    if (!(err instanceof InvalidValue)) throw err;
    throw new ConfigError(`invalid ${s.flag} (${s.env}): ${JSON.stringify(raw)} ${err.message}`);
  }
}

/**
 * Parses the service's settings.
 *
 * @param argv - arguments after the script, i.e. `process.argv.slice(2)`
 * @param env - environment, usually `process.env`
 * @param platform - platform whose backends are valid; defaults to `process.platform`
 * @param cwd - directory a relative `--handler` path is resolved against; defaults to `process.cwd()`
 * @returns the settings, the help text if `--help` or `-h` is among the arguments, or
 *   `{ kind: 'version' }` for `--version` or `-v`
 * @throws {@link ConfigError} for an unknown option, a missing or invalid value
 */
export function parseConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  cwd: string = process.cwd(),
): ParseResult {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: HELP_TEXT };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };
  const flags = readFlags(argv);
  const ctx: ParseContext = { platform, cwd };
  const config: Partial<Config> = {};
  for (const key of KEYS) {
    setField(config, key, resolveSetting(key, flags.get(key), env, ctx));
  }
  if ((config.tlsCert === '') !== (config.tlsKey === '')) {
    const [given, missing] = config.tlsCert === '' ? [SETTINGS.tlsKey, SETTINGS.tlsCert] : [SETTINGS.tlsCert, SETTINGS.tlsKey];
    throw new ConfigError(`${given.flag} (${given.env}) needs ${missing.flag} (${missing.env}): TLS takes a certificate and its key`);
  }
  const tls = config as Config;
  if (tls.tlsPfx !== '' && tls.tlsCert !== '') {
    throw new ConfigError(`${SETTINGS.tlsPfx.flag} (${SETTINGS.tlsPfx.env}) holds the certificate and key: drop ${SETTINGS.tlsCert.flag} and ${SETTINGS.tlsKey.flag}`);
  }
  for (const key of ['tlsCa', 'tlsAlpn', 'tlsClientAuth', 'tlsPassphraseFile'] as const) {
    const given = key === 'tlsClientAuth' ? tls[key] !== 'none' : tls[key].length > 0;
    if (given && tls.tlsCert === '' && tls.tlsPfx === '') {
      throw new ConfigError(`${SETTINGS[key].flag} (${SETTINGS[key].env}) needs ${SETTINGS.tlsCert.flag} or ${SETTINGS.tlsPfx.flag}: TLS is off`);
    }
  }
  if ((tls.tlsClientAuth !== 'none') !== (tls.tlsCa !== '')) {
    const [given, missing] = tls.tlsCa === '' ? [SETTINGS.tlsClientAuth, SETTINGS.tlsCa] : [SETTINGS.tlsCa, SETTINGS.tlsClientAuth];
    throw new ConfigError(`${given.flag} (${given.env}) needs ${missing.flag} (${missing.env}): client certificates are checked against the CAs`);
  }
  // Probe settings without keepalive would be ignored in silence.
  for (const key of ['keepAliveIntervalMs', 'keepAliveProbes'] as const) {
    if (config[key]! > 0 && config.keepAliveMs === 0) {
      throw new ConfigError(`${SETTINGS[key].flag} (${SETTINGS[key].env}) needs ${SETTINGS.keepAliveMs.flag}: keepalive is off`);
    }
  }
  return { kind: 'config', config: config as Config };
}

/** Assigns one field, keeping key and value types tied together. */
function setField<K extends keyof Config>(config: Partial<Config>, key: K, value: Config[K]): void {
  config[key] = value;
}
