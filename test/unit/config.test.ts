import t from 'tap';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  HELP_TEXT,
  SETTINGS,
  parseConfig,
  type Config,
} from '../../src/config';

/** The assertions the helpers need; works for the root and for subtests. */
type Test = Pick<typeof t, 'equal' | 'ok' | 'fail' | 'notMatch'>;
type Key = keyof Config;
const KEYS = Object.keys(SETTINGS) as Key[];
/** Every setting that takes a number. */
const INTEGER_KEYS = KEYS.filter((key) => typeof SETTINGS[key].defaultValue() === 'number');

/** Parses and returns the config, failing the test if help came back instead. */
function configOf(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  platform: NodeJS.Platform = 'linux',
  cwd?: string,
): Config {
  const result = parseConfig(argv, env, platform, cwd);
  if (result.kind !== 'config') throw new Error(`expected a config, got ${result.kind}`);
  return result.config;
}

/** Asserts that `fn` throws a ConfigError whose one-line message contains every fragment. */
function assertConfigError(t: Test, fn: () => unknown, ...fragments: string[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (!(thrown instanceof ConfigError)) {
    t.fail('expected a ConfigError', { thrown });
    return;
  }
  t.equal(thrown.code, 'ERR_IOCP_TCP_CONFIG');
  t.notMatch(thrown.message, /\n/, 'message is one line');
  for (const fragment of fragments) t.ok(thrown.message.includes(fragment), `names ${fragment}`);
}

/** Asserts a rejected value's message: `invalid --flag (ENV): "raw" ...`. */
function assertInvalid(t: Test, key: Key, argv: string[], env: NodeJS.ProcessEnv, raw: string): void {
  const { flag, env: envName } = SETTINGS[key];
  assertConfigError(t, () => configOf(argv, env), `invalid ${flag} (${envName}): ${JSON.stringify(raw)}`);
}

/** Per setting: a flag value and what it parses to, and a second, different one for the env var. */
const SAMPLES: { [K in Key]: [flagRaw: string, flagValue: Config[K], envRaw: string, envValue: Config[K]] } = {
  host: ['127.0.0.1', '127.0.0.1', 'example.test', 'example.test'],
  port: ['1234', 1234, '0', 0],
  metricsHost: ['::1', '::1', '10.0.0.1', '10.0.0.1'],
  metricsPort: ['65535', 65535, '9000', 9000],
  backend: ['epoll', 'epoll', 'io_uring', 'io_uring'],
  ioThreads: ['64', 64, '1', 1],
  handler: ['js-echo', 'js-echo', 'echo', 'echo'],
  jsMode: ['threaded', 'threaded', 'inline', 'inline'],
  jsData: ['borrowed', 'borrowed', 'copied', 'copied'],
  maxConnections: ['0', 0, '250', 250],
  idleTimeoutMs: ['30000', 30000, '0', 0],
  writeHighWaterBytes: ['1024', 1024, '1048576', 1048576],
  bufferBudgetBytes: ['1048576', 1048576, '1099511627776', 2 ** 40],
  bufferBudgetGraceMs: ['0', 0, '2500', 2500],
  keepAliveMs: ['32767000', 32_767_000, '1', 1],
  keepAliveIntervalMs: ['0', 0, '75000', 75000],
  keepAliveProbes: ['127', 127, '9', 9],
  drainTimeoutMs: ['3600000', 3_600_000, '0', 0],
  logLevel: ['debug', 'debug', 'error', 'error'],
  tlsCert: ['test/fixtures/tls-cert.pem', join(process.cwd(), 'test/fixtures/tls-cert.pem'), 'test/fixtures/tls-key.pem', join(process.cwd(), 'test/fixtures/tls-key.pem')],
  tlsKey: ['test/fixtures/tls-key.pem', join(process.cwd(), 'test/fixtures/tls-key.pem'), 'test/fixtures/tls-cert.pem', join(process.cwd(), 'test/fixtures/tls-cert.pem')],
  tlsPfx: ['test/fixtures/tls.p12', join(process.cwd(), 'test/fixtures/tls.p12'), 'test/fixtures/tls-cert.pem', join(process.cwd(), 'test/fixtures/tls-cert.pem')],
  tlsPassphraseFile: ['test/fixtures/tls-passphrase.txt', join(process.cwd(), 'test/fixtures/tls-passphrase.txt'), 'test/fixtures/tls-key.pem', join(process.cwd(), 'test/fixtures/tls-key.pem')],
  tlsMinVersion: ['TLSv1.3', 'TLSv1.3', 'TLSv1.2', 'TLSv1.2'],
  tlsReloadMs: ['0', 0, '3600000', 3_600_000],
  tlsCa: ['test/fixtures/tls-client-ca.pem', join(process.cwd(), 'test/fixtures/tls-client-ca.pem'), 'test/fixtures/tls-cert.pem', join(process.cwd(), 'test/fixtures/tls-cert.pem')],
  tlsClientAuth: ['require', 'require', 'request', 'request'],
  tlsAlpn: ['h2,http/1.1', ['h2', 'http/1.1'], 'http/1.1', ['http/1.1']],
};

t.test('every setting has its documented default when no flag or env var is set', async (t) => {
  t.same(configOf([]), {
    host: '0.0.0.0',
    port: 8090,
    metricsHost: '0.0.0.0',
    metricsPort: 9464,
    backend: 'auto',
    ioThreads: Math.min(4, Math.max(1, availableParallelism() - 1)),
    handler: 'echo',
    jsMode: 'inline',
    jsData: 'copied',
    maxConnections: 10000,
    idleTimeoutMs: 0,
    writeHighWaterBytes: 65536,
    bufferBudgetBytes: 268435456,
    bufferBudgetGraceMs: 10000,
    keepAliveMs: 0,
    keepAliveIntervalMs: 0,
    keepAliveProbes: 0,
    drainTimeoutMs: 10000,
    logLevel: 'info',
    tlsCert: '',
    tlsKey: '',
    tlsPfx: '',
    tlsPassphraseFile: '',
    tlsMinVersion: 'TLSv1.2',
    tlsReloadMs: 10000,
    tlsCa: '',
    tlsClientAuth: 'none',
    tlsAlpn: [],
  });
});

/** Settings given both or neither (a certificate and its key; client auth and its CAs). */
const TLS_FILES: ReadonlySet<Key> = new Set(['tlsCert', 'tlsKey', 'tlsCa', 'tlsClientAuth']);
const WITH_TLS = ['--tls-cert', 'test/fixtures/tls-cert.pem', '--tls-key', 'test/fixtures/tls-key.pem'];

/** Settings that only mean something beside another one: that one, on. */
const NEEDS: Partial<Record<Key, string[]>> = {
  keepAliveIntervalMs: ['--keepalive-ms', '1000'],
  keepAliveProbes: ['--keepalive-ms', '1000'],
  tlsCert: ['--tls-key', 'test/fixtures/tls-key.pem'],
  tlsKey: ['--tls-cert', 'test/fixtures/tls-cert.pem'],
  tlsCa: [...WITH_TLS, '--tls-client-auth', 'require'],
  tlsClientAuth: [...WITH_TLS, '--tls-ca', 'test/fixtures/tls-client-ca.pem'],
  tlsAlpn: WITH_TLS,
  tlsPassphraseFile: WITH_TLS,
};

for (const key of KEYS) {
  const { flag, env } = SETTINGS[key];
  const [flagRaw, flagValue, envRaw, envValue] = SAMPLES[key];
  const needs = NEEDS[key] ?? [];

  t.test(`${flag} sets ${key} in both "${flag} v" and "${flag}=v" form`, async (t) => {
    t.same(configOf([...needs, flag, flagRaw])[key], flagValue);
    t.same(configOf([...needs, `${flag}=${flagRaw}`])[key], flagValue);
  });

  t.test(`${env} sets ${key} when no flag is given`, async (t) => {
    t.same(configOf(needs, { [env]: envRaw })[key], envValue);
  });

  t.test(`${flag} wins over ${env}`, async (t) => {
    t.same(configOf([...needs, flag, flagRaw], { [env]: envRaw })[key], flagValue);
  });

  t.test(`an empty ${env} counts as unset`, async (t) => {
    // Paired TLS settings go together: unset, neither is.
    t.same(configOf(TLS_FILES.has(key) ? [] : needs, { [env]: '' })[key], SETTINGS[key].defaultValue());
  });
}

t.test('the last occurrence of a repeated flag wins', async (t) => {
  t.equal(configOf(['--port', '1', '--port=2']).port, 2);
});

t.test('an invalid env var is not checked when the flag overrides it', async (t) => {
  t.equal(configOf(['--port', '1'], { IOCP_TCP_PORT: 'nope' }).port, 1);
});

t.test('integer settings reject anything but plain decimal digits', async (t) => {
  for (const key of INTEGER_KEYS) {
    const { flag, env } = SETTINGS[key];
    for (const raw of ['12abc', '1.5', '', '-1', '0x10', ' 1', '1e3', '+1']) {
      assertInvalid(t, key, [`${flag}=${raw}`], {}, raw);
      if (raw !== '') assertInvalid(t, key, [], { [env]: raw }, raw);
    }
    assertInvalid(t, key, [flag, '-1'], {}, '-1');
  }
});

t.test('integer settings reject values outside their range and accept its bounds', async (t) => {
  const ranges: [Key, number, number][] = [
    ['port', 0, 65535],
    ['metricsPort', 0, 65535],
    ['ioThreads', 1, 64],
    ['maxConnections', 0, 10_000_000],
    ['idleTimeoutMs', 0, 86_400_000],
    ['writeHighWaterBytes', 1024, 2 ** 30],
    ['bufferBudgetBytes', 1 << 20, 2 ** 40],
    ['bufferBudgetGraceMs', 0, 3_600_000],
    ['keepAliveMs', 0, 32_767_000],
    ['keepAliveIntervalMs', 0, 32_767_000],
    ['keepAliveProbes', 0, 127],
    ['drainTimeoutMs', 0, 3_600_000],
    ['tlsReloadMs', 0, 3_600_000],
  ];
  t.same(ranges.map(([key]) => key), INTEGER_KEYS, 'every setting that takes a number has its bounds checked here');
  for (const [key, min, max] of ranges) {
    const { flag } = SETTINGS[key];
    const needs = NEEDS[key] ?? [];
    t.equal(configOf([...needs, flag, String(min)])[key], min);
    t.equal(configOf([...needs, flag, String(max)])[key], max);
    if (min > 0) assertInvalid(t, key, [...needs, flag, String(min - 1)], {}, String(min - 1));
    assertInvalid(t, key, [...needs, flag, String(max + 1)], {}, String(max + 1));
  }
  assertConfigError(
    t,
    () => configOf(['--port', '70000']),
    'invalid --port (IOCP_TCP_PORT): "70000" is not an integer from 0 to 65535',
  );
});

t.test('hosts must be non-empty and free of whitespace', async (t) => {
  for (const key of ['host', 'metricsHost'] as const) {
    const { flag, env } = SETTINGS[key];
    assertInvalid(t, key, [`${flag}=`], {}, '');
    assertInvalid(t, key, [flag, 'a b'], {}, 'a b');
    assertInvalid(t, key, [], { [env]: ' ' }, ' ');
  }
});

t.test('an unknown backend is rejected with the list of backends', async (t) => {
  assertConfigError(t, () => configOf(['--backend', 'kqueue']), '--backend', 'IOCP_TCP_BACKEND', '"kqueue"', 'auto, io_uring, epoll, iocp');
});

t.test('iocp is accepted on win32 and rejected on linux, naming win32', async (t) => {
  t.equal(configOf(['--backend', 'iocp'], {}, 'win32').backend, 'iocp');
  assertConfigError(t, () => configOf(['--backend', 'iocp'], {}, 'linux'), '--backend', 'IOCP_TCP_BACKEND', '"iocp"', 'only supported on win32');
});

t.test('io_uring and epoll are rejected on win32, naming linux', async (t) => {
  for (const backend of ['io_uring', 'epoll']) {
    assertConfigError(t, () => configOf([], { IOCP_TCP_BACKEND: backend }, 'win32'), '--backend', 'IOCP_TCP_BACKEND', `"${backend}"`, 'only supported on linux');
  }
});

t.test('auto is accepted on every platform', async (t) => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    t.equal(configOf(['--backend', 'auto'], {}, platform).backend, 'auto');
  }
});

t.test('an unknown log level is rejected with the list of levels', async (t) => {
  assertConfigError(t, () => configOf(['--log-level=verbose']), '--log-level', 'IOCP_TCP_LOG_LEVEL', '"verbose"', 'debug, info, warn, error');
});

t.test('a handler path is resolved against cwd to an absolute path', async (t) => {
  const dir = t.testdir({ handlers: { 'mine.js': 'module.exports = () => {};\n' } });
  const abs = join(dir, 'handlers', 'mine.js');
  t.equal(configOf(['--handler', 'handlers/mine.js'], {}, 'linux', dir).handler, abs);
  t.equal(configOf([], { IOCP_TCP_HANDLER: './handlers/mine.js' }, 'linux', dir).handler, abs);
  t.equal(configOf(['--handler', abs], {}, 'linux', join(dir, 'handlers')).handler, abs);
});

t.test('a handler path that does not exist is rejected with its absolute path', async (t) => {
  const dir = t.testdir({});
  const abs = join(dir, 'missing.js');
  assertConfigError(t, () => configOf(['--handler=missing.js'], {}, 'linux', dir), '--handler', 'IOCP_TCP_HANDLER', '"missing.js"', `handler module not found: ${abs}`);
});

t.test('an unknown option is rejected and points to --help', async (t) => {
  assertConfigError(t, () => configOf(['--x']), 'unknown option --x (see --help)');
  assertConfigError(t, () => configOf(['--x=1']), 'unknown option --x (see --help)');
  assertConfigError(t, () => configOf(['-p', '1']), 'unknown option -p (see --help)');
  assertConfigError(t, () => configOf(['8090']), 'unexpected argument "8090"');
});

t.test('a flag without its value is rejected, naming the flag and its env var', async (t) => {
  for (const key of KEYS) {
    const { flag, env } = SETTINGS[key];
    assertConfigError(t, () => configOf([flag]), `missing value for ${flag}`, env);
    assertConfigError(t, () => configOf([flag, '--port', '1']), `missing value for ${flag}`, env);
  }
});

t.test('--version and -v ask for the version, even beside invalid options', async (t) => {
  for (const argv of [['--version'], ['-v'], ['--port', 'nope', '-v']]) {
    t.same(parseConfig(argv, {}, 'linux'), { kind: 'version' }, argv.join(' '));
  }
});

t.test('--help gives the range of every bounded setting', async (t) => {
  for (const range of ['0 to 10000000', '0 to 86400000', '1024 to 1073741824', '1 to 64', '0 to 65535', '0 to 3600000', '1 MiB to 1 TiB']) {
    t.match(HELP_TEXT, range);
  }
});

t.test('--help and -h return the help text, even beside invalid options', async (t) => {
  for (const argv of [['--help'], ['-h'], ['--port', '99999', '--help'], ['--bogus', '-h']]) {
    t.same(parseConfig(argv, {}, 'linux'), { kind: 'help', text: HELP_TEXT });
  }
});

t.test('the help text starts with the usage line and lists every flag, env var and default', async (t) => {
  t.ok(HELP_TEXT.startsWith('Usage: iocp-tcp [options]\n'));
  for (const key of KEYS) {
    const s = SETTINGS[key];
    for (const text of [`${s.flag} ${s.metavar}`, s.env, `default: ${s.defaultText}`, s.description]) {
      t.ok(HELP_TEXT.includes(text), `help mentions ${text}`);
    }
  }
  t.ok(HELP_TEXT.includes('-h, --help'));
});

t.test('the help text says what a handler module exports and which modules each Node runs', async (t) => {
  for (const text of ['module.exports', 'export default', 'handler.', '.mjs', '.mts', '22.18+', '23.6+', '--experimental-strip-types', 'tsc']) {
    t.ok(HELP_TEXT.includes(text), `help mentions ${text}`);
  }
});

t.test('the help text fits in 80 columns', async (t) => {
  for (const line of HELP_TEXT.split('\n')) t.ok(line.length <= 80, line);
});

t.test('every fixed default in the table is the text shown in --help', async (t) => {
  for (const key of KEYS) {
    if (key === 'ioThreads' || key === 'tlsAlpn' || key === 'tlsPfx' || key === 'tlsPassphraseFile' || TLS_FILES.has(key)) continue;  // shown as what they mean
    t.equal(SETTINGS[key].defaultText, String(SETTINGS[key].defaultValue()), key);
  }
});

t.test('TLS settings without TLS, or client auth without its CAs, are refused, naming both', async (t) => {
  assertConfigError(t, () => configOf(['--tls-alpn', 'h2']), '--tls-alpn (IOCP_TCP_TLS_ALPN) needs --tls-cert or --tls-pfx: TLS is off');
  assertConfigError(t, () => configOf([...WITH_TLS, '--tls-pfx', 'test/fixtures/tls.p12']), '--tls-pfx (IOCP_TCP_TLS_PFX) holds the certificate and key');
  t.equal(configOf(['--tls-pfx', 'test/fixtures/tls.p12', '--tls-alpn', 'h2']).tlsAlpn[0], 'h2', 'a PKCS#12 file is TLS as well');
  assertConfigError(t, () => configOf([...WITH_TLS, '--tls-client-auth', 'require']), '--tls-client-auth (IOCP_TCP_TLS_CLIENT_AUTH) needs --tls-ca (IOCP_TCP_TLS_CA)');
  assertConfigError(t, () => configOf([...WITH_TLS, '--tls-ca', 'test/fixtures/tls-client-ca.pem']), '--tls-ca (IOCP_TCP_TLS_CA) needs --tls-client-auth');
  assertInvalid(t, 'tlsAlpn', [...WITH_TLS, '--tls-alpn', 'h2,,x'], {}, 'h2,,x');
});

t.test('a TLS certificate without its key (or the other way round) is refused, naming both', async (t) => {
  assertConfigError(t, () => configOf(['--tls-cert', 'test/fixtures/tls-cert.pem']), '--tls-cert (IOCP_TCP_TLS_CERT) needs --tls-key (IOCP_TCP_TLS_KEY)');
  assertConfigError(t, () => configOf([], { IOCP_TCP_TLS_KEY: 'test/fixtures/tls-key.pem' }), '--tls-key (IOCP_TCP_TLS_KEY) needs --tls-cert (IOCP_TCP_TLS_CERT)');
  assertInvalid(t, 'tlsCert', ['--tls-cert', 'no-such.pem', '--tls-key', 'test/fixtures/tls-key.pem'], {}, 'no-such.pem');
});

t.test('keepalive probe settings without --keepalive-ms are refused, not ignored', async (t) => {
  assertConfigError(t, () => configOf(['--keepalive-interval-ms', '1000']), '--keepalive-interval-ms (IOCP_TCP_KEEPALIVE_INTERVAL_MS) needs --keepalive-ms');
  assertConfigError(t, () => configOf([], { IOCP_TCP_KEEPALIVE_PROBES: '3' }), '--keepalive-probes (IOCP_TCP_KEEPALIVE_PROBES) needs --keepalive-ms');
  t.equal(configOf(['--keepalive-ms', '1000', '--keepalive-probes', '3']).keepAliveProbes, 3);
});
