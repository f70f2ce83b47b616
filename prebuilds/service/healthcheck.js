#!/usr/bin/env node
"use strict";
var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};

// dist/config.js
var require_config = __commonJS({
  "dist/config.js"(exports2) {
    "use strict";
    Object.defineProperty(exports2, "__esModule", { value: true });
    exports2.HELP_TEXT = exports2.SETTINGS = exports2.InvalidValue = exports2.ConfigError = exports2.TLS_VERSIONS = exports2.TLS_CLIENT_AUTH = exports2.LOG_LEVELS = exports2.JS_DATA = exports2.JS_MODES = exports2.BACKENDS = void 0;
    exports2.parseConfig = parseConfig;
    var node_fs_1 = require("node:fs");
    var node_os_1 = require("node:os");
    var node_path_1 = require("node:path");
    exports2.BACKENDS = ["auto", "io_uring", "epoll", "iocp"];
    exports2.JS_MODES = ["inline", "threaded"];
    exports2.JS_DATA = ["copied", "borrowed"];
    exports2.LOG_LEVELS = ["debug", "info", "warn", "error"];
    exports2.TLS_CLIENT_AUTH = ["none", "request", "require"];
    exports2.TLS_VERSIONS = ["TLSv1.2", "TLSv1.3"];
    var ConfigError = class extends Error {
      /** Stable error code. */
      code = "ERR_IOCP_TCP_CONFIG";
      name = "ConfigError";
    };
    exports2.ConfigError = ConfigError;
    var InvalidValue = class extends Error {
    };
    exports2.InvalidValue = InvalidValue;
    function integerIn(min, max) {
      return (raw) => {
        const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
        if (!(value >= min && value <= max)) {
          throw new InvalidValue(`is not an integer from ${min} to ${max}`);
        }
        return value;
      };
    }
    function oneOf(choices) {
      return (raw) => {
        if (!choices.includes(raw)) {
          throw new InvalidValue(`is not one of ${choices.join(", ")}`);
        }
        return raw;
      };
    }
    function parseHost(raw) {
      if (raw === "" || /\s/.test(raw)) {
        throw new InvalidValue("is not a host name or address (empty or contains whitespace)");
      }
      return raw;
    }
    var BACKEND_PLATFORM = {
      io_uring: "linux",
      epoll: "linux",
      iocp: "win32"
    };
    function parseBackend(raw, ctx) {
      const backend = oneOf(exports2.BACKENDS)(raw);
      if (backend !== "auto" && BACKEND_PLATFORM[backend] !== ctx.platform) {
        throw new InvalidValue(`is only supported on ${BACKEND_PLATFORM[backend]} (this platform is ${ctx.platform})`);
      }
      return backend;
    }
    var BUILTIN_HANDLERS = ["echo", "js-echo"];
    function parseHandler(raw, ctx) {
      if (BUILTIN_HANDLERS.includes(raw))
        return raw;
      const path = (0, node_path_1.resolve)(ctx.cwd, raw);
      if (!(0, node_fs_1.existsSync)(path)) {
        throw new InvalidValue(`is not ${BUILTIN_HANDLERS.join(" or ")} and handler module not found: ${path}`);
      }
      return path;
    }
    function parseFile(raw, ctx) {
      const path = (0, node_path_1.resolve)(ctx.cwd, raw);
      if (!(0, node_fs_1.existsSync)(path))
        throw new InvalidValue(`names no file: ${path}`);
      return path;
    }
    function parseAlpn(raw) {
      const protocols = raw.split(",").map((p) => p.trim());
      if (protocols.some((p) => p === "" || Buffer.byteLength(p) > 255)) {
        throw new InvalidValue("is not a comma-separated list of protocol names (each 1 to 255 bytes)");
      }
      return protocols;
    }
    function fixed(value) {
      return { defaultValue: () => value, defaultText: String(value) };
    }
    exports2.SETTINGS = {
      host: {
        flag: "--host",
        metavar: "<host>",
        env: "IOCP_TCP_HOST",
        ...fixed("0.0.0.0"),
        description: "Address the TCP server listens on.",
        parse: parseHost
      },
      port: {
        flag: "--port",
        metavar: "<port>",
        env: "IOCP_TCP_PORT",
        ...fixed(8090),
        description: "TCP port, 0 to 65535 (0 picks a free port).",
        parse: integerIn(0, 65535)
      },
      metricsHost: {
        flag: "--metrics-host",
        metavar: "<host>",
        env: "IOCP_TCP_METRICS_HOST",
        ...fixed("0.0.0.0"),
        description: "Address of the Prometheus /metrics endpoint.",
        parse: parseHost
      },
      metricsPort: {
        flag: "--metrics-port",
        metavar: "<port>",
        env: "IOCP_TCP_METRICS_PORT",
        ...fixed(9464),
        description: "Port of /metrics, 0 to 65535 (0 picks a free port).",
        parse: integerIn(0, 65535)
      },
      backend: {
        flag: "--backend",
        metavar: "<name>",
        env: "IOCP_TCP_BACKEND",
        ...fixed("auto"),
        description: "auto (io_uring if the kernel and build have it), io_uring, epoll, iocp.",
        parse: parseBackend
      },
      ioThreads: {
        flag: "--io-threads",
        metavar: "<n>",
        env: "IOCP_TCP_IO_THREADS",
        // A core left for the JS thread and the rest of the process: measured on
        // 2 cores, 1 I/O thread serves more per CPU second than 2 (README, Scaling).
        defaultValue: () => Math.min(4, Math.max(1, (0, node_os_1.availableParallelism)() - 1)),
        defaultText: "CPUs - 1, 1 to 4",
        description: "Native I/O threads, 1 to 64 (echo, or --js-mode threaded).",
        parse: integerIn(1, 64)
      },
      handler: {
        flag: "--handler",
        metavar: "<name|path>",
        env: "IOCP_TCP_HANDLER",
        ...fixed("echo"),
        description: "echo (native), js-echo, or a handler module path (see below).",
        parse: parseHandler
      },
      jsMode: {
        flag: "--js-mode",
        metavar: "<mode>",
        env: "IOCP_TCP_JS_MODE",
        ...fixed("inline"),
        description: "A JS handler's engine: inline (on the JS thread) or threaded.",
        parse: oneOf(exports2.JS_MODES)
      },
      jsData: {
        flag: "--js-data",
        metavar: "<kind>",
        env: "IOCP_TCP_JS_DATA",
        ...fixed("copied"),
        description: "A JS handler's 'data': copied (to keep) or borrowed (a view).",
        parse: oneOf(exports2.JS_DATA)
      },
      maxConnections: {
        flag: "--max-connections",
        metavar: "<n>",
        env: "IOCP_TCP_MAX_CONNECTIONS",
        ...fixed(1e4),
        description: "Open connections at most, 0 to 10000000; 0 = unlimited.",
        parse: integerIn(0, 1e7)
      },
      idleTimeoutMs: {
        flag: "--idle-timeout-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_IDLE_TIMEOUT_MS",
        ...fixed(0),
        description: "Reset connections idle this long, 0 to 86400000 ms (a day); 0 = off.",
        parse: integerIn(0, 864e5)
      },
      writeHighWaterBytes: {
        flag: "--write-high-water-bytes",
        metavar: "<n>",
        env: "IOCP_TCP_WRITE_HIGH_WATER_BYTES",
        ...fixed(65536),
        description: "Unsent bytes before a connection pauses, 1024 to 1073741824 (1 GiB).",
        parse: integerIn(1024, 1 << 30)
      },
      bufferBudgetBytes: {
        flag: "--buffer-budget-bytes",
        metavar: "<n>",
        env: "IOCP_TCP_BUFFER_BUDGET_BYTES",
        ...fixed(268435456),
        description: "Bytes all connections may buffer; above it holders pause. 1 MiB to 1 TiB.",
        parse: integerIn(1 << 20, 2 ** 40)
      },
      bufferBudgetGraceMs: {
        flag: "--buffer-budget-grace-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_BUFFER_BUDGET_GRACE_MS",
        ...fixed(1e4),
        description: "Over the budget this long: reset the largest holders, 0 to 3600000 ms.",
        parse: integerIn(0, 36e5)
      },
      keepAliveMs: {
        flag: "--keepalive-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_KEEPALIVE_MS",
        ...fixed(0),
        description: "Keepalive probes after this much silence, 0 to 32767000 ms; 0 = off.",
        parse: integerIn(0, 32767e3)
      },
      keepAliveIntervalMs: {
        flag: "--keepalive-interval-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_KEEPALIVE_INTERVAL_MS",
        ...fixed(0),
        description: "Between unanswered probes, 0 to 32767000 ms; 0 = system default.",
        parse: integerIn(0, 32767e3)
      },
      keepAliveProbes: {
        flag: "--keepalive-probes",
        metavar: "<n>",
        env: "IOCP_TCP_KEEPALIVE_PROBES",
        ...fixed(0),
        description: "Unanswered probes before a connection is dropped, 0 to 127; 0 = default.",
        parse: integerIn(0, 127)
      },
      drainTimeoutMs: {
        flag: "--drain-timeout-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_DRAIN_TIMEOUT_MS",
        ...fixed(1e4),
        description: "Graceful shutdown deadline in ms, 0 to 3600000.",
        parse: integerIn(0, 36e5)
      },
      logLevel: {
        flag: "--log-level",
        metavar: "<level>",
        env: "IOCP_TCP_LOG_LEVEL",
        ...fixed("info"),
        description: "Lowest level logged: debug, info, warn or error.",
        parse: oneOf(exports2.LOG_LEVELS)
      },
      tlsCert: {
        flag: "--tls-cert",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_CERT",
        defaultValue: () => "",
        defaultText: "none (plain TCP)",
        description: "Serve TLS: PEM certificate, then its chain (with --tls-key).",
        parse: parseFile
      },
      tlsKey: {
        flag: "--tls-key",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_KEY",
        defaultValue: () => "",
        defaultText: "none (plain TCP)",
        description: "PEM private key of --tls-cert (unencrypted).",
        parse: parseFile
      },
      tlsPfx: {
        flag: "--tls-pfx",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_PFX",
        defaultValue: () => "",
        defaultText: "none",
        description: "Serve TLS from a PKCS#12 file (instead of --tls-cert, --tls-key).",
        parse: parseFile
      },
      tlsPassphraseFile: {
        flag: "--tls-passphrase-file",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_PASSPHRASE_FILE",
        defaultValue: () => "",
        defaultText: "none",
        description: "File with the passphrase of --tls-key or --tls-pfx.",
        parse: parseFile
      },
      tlsMinVersion: {
        flag: "--tls-min-version",
        metavar: "<version>",
        env: "IOCP_TCP_TLS_MIN_VERSION",
        ...fixed("TLSv1.2"),
        description: "Oldest TLS version accepted: TLSv1.2 or TLSv1.3.",
        parse: oneOf(exports2.TLS_VERSIONS)
      },
      tlsReloadMs: {
        flag: "--tls-reload-ms",
        metavar: "<ms>",
        env: "IOCP_TCP_TLS_RELOAD_MS",
        ...fixed(1e4),
        description: "Read the TLS files again this often, 0 to 3600000 ms; 0 = never.",
        parse: integerIn(0, 36e5)
      },
      tlsCa: {
        flag: "--tls-ca",
        metavar: "<file>",
        env: "IOCP_TCP_TLS_CA",
        defaultValue: () => "",
        defaultText: "none",
        description: "PEM CAs that client certificates must chain to.",
        parse: parseFile
      },
      tlsClientAuth: {
        flag: "--tls-client-auth",
        metavar: "<mode>",
        env: "IOCP_TCP_TLS_CLIENT_AUTH",
        ...fixed("none"),
        description: "Client certificates: none, request or require (needs --tls-ca).",
        parse: oneOf(exports2.TLS_CLIENT_AUTH)
      },
      tlsAlpn: {
        flag: "--tls-alpn",
        metavar: "<list>",
        env: "IOCP_TCP_TLS_ALPN",
        defaultValue: () => [],
        defaultText: "none",
        description: "ALPN protocols, preferred first, comma-separated (e.g. h2,http/1.1).",
        parse: parseAlpn
      }
    };
    var KEYS = Object.keys(exports2.SETTINGS);
    function formatHelp() {
      const rows = KEYS.map((key) => {
        const s = exports2.SETTINGS[key];
        return {
          left: `${s.flag} ${s.metavar}`,
          lines: [`${s.description}`, `env ${s.env}, default: ${s.defaultText}`]
        };
      });
      rows.push({ left: "-h, --help", lines: ["Print this help and exit."] });
      rows.push({ left: "-v, --version", lines: ["Print the version and exit."] });
      const body = rows.flatMap((r) => [`  ${r.left}`, ...r.lines.map((line) => `      ${line}`)]);
      return [
        "Usage: iocp-tcp [options]",
        "",
        "TCP server on a native completion-based engine, with Prometheus metrics.",
        "Each option can also be set by its environment variable; a flag wins over",
        "the variable, an empty variable counts as unset.",
        "",
        "Options:",
        ...body,
        "",
        "Handler modules (--handler <path>):",
        "  A module that exports a function, called with each connection, as",
        "  module.exports, export default or a named export handler.",
        "  CommonJS or ES module (.js, .cjs, .mjs) on every Node this runs on;",
        "  TypeScript (.ts, .mts, .cts) where Node strips types: 22.18+ and 23.6+,",
        "  or 22.6+ with NODE_OPTIONS=--experimental-strip-types; elsewhere compile",
        "  it with tsc and give the .js.",
        ""
      ].join("\n");
    }
    exports2.HELP_TEXT = formatHelp();
    var KEY_BY_FLAG = new Map(KEYS.map((key) => [exports2.SETTINGS[key].flag, key]));
    function readFlags(argv) {
      const values = /* @__PURE__ */ new Map();
      for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith("--")) {
          throw new ConfigError(arg.startsWith("-") ? `unknown option ${arg} (see --help)` : `unexpected argument ${JSON.stringify(arg)} (see --help)`);
        }
        const eq = arg.indexOf("=");
        const flag = eq === -1 ? arg : arg.slice(0, eq);
        const key = KEY_BY_FLAG.get(flag);
        if (key === void 0)
          throw new ConfigError(`unknown option ${flag} (see --help)`);
        if (eq !== -1) {
          values.set(key, arg.slice(eq + 1));
          continue;
        }
        const next = argv[i + 1];
        if (next === void 0 || next.startsWith("--")) {
          const s = exports2.SETTINGS[key];
          throw new ConfigError(`missing value for ${flag} ${s.metavar} (or set ${s.env})`);
        }
        values.set(key, next);
        i++;
      }
      return values;
    }
    function resolveSetting(key, flagValue, env, ctx) {
      const s = exports2.SETTINGS[key];
      const envValue = env[s.env] === "" ? void 0 : env[s.env];
      const raw = flagValue ?? envValue;
      if (raw === void 0)
        return s.defaultValue();
      try {
        return s.parse(raw, ctx);
      } catch (err) {
        if (!(err instanceof InvalidValue))
          throw err;
        throw new ConfigError(`invalid ${s.flag} (${s.env}): ${JSON.stringify(raw)} ${err.message}`);
      }
    }
    function parseConfig(argv, env, platform = process.platform, cwd = process.cwd()) {
      if (argv.includes("--help") || argv.includes("-h"))
        return { kind: "help", text: exports2.HELP_TEXT };
      if (argv.includes("--version") || argv.includes("-v"))
        return { kind: "version" };
      const flags = readFlags(argv);
      const ctx = { platform, cwd };
      const config = {};
      for (const key of KEYS) {
        setField(config, key, resolveSetting(key, flags.get(key), env, ctx));
      }
      if (config.tlsCert === "" !== (config.tlsKey === "")) {
        const [given, missing] = config.tlsCert === "" ? [exports2.SETTINGS.tlsKey, exports2.SETTINGS.tlsCert] : [exports2.SETTINGS.tlsCert, exports2.SETTINGS.tlsKey];
        throw new ConfigError(`${given.flag} (${given.env}) needs ${missing.flag} (${missing.env}): TLS takes a certificate and its key`);
      }
      const tls = config;
      if (tls.tlsPfx !== "" && tls.tlsCert !== "") {
        throw new ConfigError(`${exports2.SETTINGS.tlsPfx.flag} (${exports2.SETTINGS.tlsPfx.env}) holds the certificate and key: drop ${exports2.SETTINGS.tlsCert.flag} and ${exports2.SETTINGS.tlsKey.flag}`);
      }
      for (const key of ["tlsCa", "tlsAlpn", "tlsClientAuth", "tlsPassphraseFile"]) {
        const given = key === "tlsClientAuth" ? tls[key] !== "none" : tls[key].length > 0;
        if (given && tls.tlsCert === "" && tls.tlsPfx === "") {
          throw new ConfigError(`${exports2.SETTINGS[key].flag} (${exports2.SETTINGS[key].env}) needs ${exports2.SETTINGS.tlsCert.flag} or ${exports2.SETTINGS.tlsPfx.flag}: TLS is off`);
        }
      }
      if (tls.tlsClientAuth !== "none" !== (tls.tlsCa !== "")) {
        const [given, missing] = tls.tlsCa === "" ? [exports2.SETTINGS.tlsClientAuth, exports2.SETTINGS.tlsCa] : [exports2.SETTINGS.tlsCa, exports2.SETTINGS.tlsClientAuth];
        throw new ConfigError(`${given.flag} (${given.env}) needs ${missing.flag} (${missing.env}): client certificates are checked against the CAs`);
      }
      for (const key of ["keepAliveIntervalMs", "keepAliveProbes"]) {
        if (config[key] > 0 && config.keepAliveMs === 0) {
          throw new ConfigError(`${exports2.SETTINGS[key].flag} (${exports2.SETTINGS[key].env}) needs ${exports2.SETTINGS.keepAliveMs.flag}: keepalive is off`);
        }
      }
      return { kind: "config", config };
    }
    function setField(config, key, value) {
      config[key] = value;
    }
  }
});

// dist/healthcheck.js
Object.defineProperty(exports, "__esModule", { value: true });
var node_http_1 = require("node:http");
var config_1 = require_config();
var TIMEOUT_MS = 3e3;
function localAddress(host) {
  if (host === "0.0.0.0")
    return "127.0.0.1";
  if (host === "::")
    return "::1";
  return host;
}
function probeHealth(host, port, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const req = (0, node_http_1.request)({ host, port, path: "/healthz", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}
async function main() {
  const parsed = (0, config_1.parseConfig)(process.argv.slice(2), process.env);
  if (parsed.kind !== "config") {
    process.stdout.write("iocp-tcp health check: exits 0 when /healthz of the service answers 200. Takes the service's settings.\n");
    return 0;
  }
  const host = localAddress(parsed.config.metricsHost);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${parsed.config.metricsPort}/healthz`;
  try {
    const status = await probeHealth(host, parsed.config.metricsPort);
    if (status === 200)
      return 0;
    process.stderr.write(`iocp-tcp health check: ${url} answered ${status}
`);
  } catch (err) {
    process.stderr.write(`iocp-tcp health check: ${url}: ${err.message}
`);
  }
  return 1;
}
main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`iocp-tcp health check: ${err.message}
`);
  process.exit(1);
});
