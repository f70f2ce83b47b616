/**
 * TLS options as node:tls users write them, checked and turned into what the
 * engine takes. The engine does the TLS itself, with the OpenSSL of this Node
 * process (src-native/tls.cc).
 */
import { invalidArg } from './errors';

/** A certificate and its key: `cert` and `key` in PEM, or both in one PKCS#12 `pfx`. */
export type TlsCredentials =
  | {
      /** The certificate in PEM, followed by the chain up to (not including) the root, as node:tls's `cert`. */
      cert: string | Buffer;
      /** Its private key in PEM, as node:tls's `key`. */
      key: string | Buffer;
      pfx?: undefined;
      /** The passphrase of an encrypted `key`. */
      passphrase?: string;
    }
  | {
      /** Key, certificate and chain in one PKCS#12 file, as node:tls's `pfx`. */
      pfx: Buffer;
      cert?: undefined;
      key?: undefined;
      /** The passphrase of the PKCS#12 file. */
      passphrase?: string;
    };

/** `createServer({ tls })`: the server's certificate and how it negotiates. */
export type TlsOptions = TlsCredentials & TlsSettings;

/** How a TLS server negotiates (with every certificate, SNI ones too). */
export interface TlsSettings {
  /** The oldest protocol version accepted: `'TLSv1.2'` (default, as node:tls) or `'TLSv1.3'`. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** The newest protocol version offered (default `'TLSv1.3'`). */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * OpenSSL's cipher string, as node:tls's `ciphers`: TLS 1.3 suites (the
   * `TLS_` names) and TLS 1.2 ciphers in one colon-separated list. Default: OpenSSL's.
   */
  ciphers?: string;
  /** Protocols for ALPN, preferred first (as node:tls's `ALPNProtocols`); a client offering none of them is refused. */
  ALPNProtocols?: string[];
  /** Ask clients for a certificate (default false). */
  requestCert?: boolean;
  /** With `requestCert`: refuse a client without a certificate that chains to `ca` (default true, as node:tls). */
  rejectUnauthorized?: boolean;
  /** PEM certificates that client certificates must chain to (with `requestCert`). */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * A handshake not finished this many ms after the connection was accepted
   * is abandoned: the connection is reset, cause `tls_error` (default 10000;
   * node:tls waits 120 s, long enough for a few thousand stalled peers to
   * pile up).
   */
  handshakeTimeout?: number;
}

/** A certificate as the engine takes it. */
export interface EngineTlsCredentials {
  cert: string;
  key: string;
  pfx: Buffer | undefined;
  passphrase: string;
}

/** What the engine takes. */
export interface EngineTlsOptions extends EngineTlsCredentials {
  /** SNI: certificates by host name pattern (`addContext()`). */
  sni: Array<EngineTlsCredentials & { servername: string }>;
  minVersion: string;
  maxVersion: string;
  ciphers: string;
  ciphersuites: string;
  alpn: string[];
  ca: string;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  handshakeTimeoutMs: number;
}

/** How a TLS handshake ended, in the engine's order (engine.h HandshakeResult). */
export const HANDSHAKE_RESULTS = ['ok', 'not_tls', 'protocol', 'certificate', 'timeout', 'aborted'] as const;

/** See {@link HANDSHAKE_RESULTS} and README, "TLS". */
export type HandshakeResult = (typeof HANDSHAKE_RESULTS)[number];

/** The server's 'tlsHandshake' event. */
export type HandshakeInfo =
  | { result: 'ok'; durationSeconds: number; protocol: string }
  | { result: Exclude<HandshakeResult, 'ok'>; durationSeconds: number; reason: string };

/** A client certificate, with node:tls's field names. */
export interface PeerCertificate {
  /** Its subject's fields (`{ CN: 'client' }`). */
  subject: Record<string, string>;
  issuer: Record<string, string>;
  /** As node:tls writes it: `'Jan  1 00:00:00 2100 GMT'`. */
  valid_to: string;
  /** SHA-256 of the DER certificate, `'AB:CD:...'`. */
  fingerprint256: string;
}

/** What a TLS connection negotiated, as its getters report it. */
export interface TlsSessionInfo {
  protocol: string;
  cipher: string;
  servername: string | false;
  alpnProtocol: string | false;
  /** Set when a client certificate was requested: null when it verified. */
  authorizationError?: string | null;
  peerCertificate?: PeerCertificate;
}

const CREDENTIAL_NAMES = ['cert', 'key', 'pfx', 'passphrase'];
const OPTION_NAMES: ReadonlySet<string> = new Set([
  ...CREDENTIAL_NAMES, 'minVersion', 'maxVersion', 'ciphers', 'ALPNProtocols', 'requestCert', 'rejectUnauthorized', 'ca', 'handshakeTimeout',
]);
// node:tls options this engine does not do yet: named as such rather than as unknown.
const NOT_YET: ReadonlySet<string> = new Set(['SNICallback', 'ecdhCurve', 'sessionTimeout', 'ticketKeys', 'secureContext']);
const VERSIONS = ['TLSv1.2', 'TLSv1.3'];

const MAX_HANDSHAKE_TIMEOUT_MS = 2 ** 31 - 1;

/** Checks `options` (a TypeError-like ERR_IOCP_TCP_INVALID_ARG naming what is wrong) and converts them. */
export function engineTlsOptions(options: TlsOptions): EngineTlsOptions {
  if (typeof options !== 'object' || options === null) throw invalidArg('tls must be an object with cert and key');
  for (const name of Object.keys(options)) {
    if (NOT_YET.has(name)) throw invalidArg(`TLS option ${name} is not supported yet`);
    if (!OPTION_NAMES.has(name)) throw invalidArg(`unknown TLS option ${name}`);
  }
  const {
    minVersion = 'TLSv1.2', maxVersion = 'TLSv1.3', ciphers = '', ALPNProtocols = [], requestCert = false,
    rejectUnauthorized = true, ca = [], handshakeTimeout = 10000,
  } = options;
  for (const [name, version] of [['minVersion', minVersion], ['maxVersion', maxVersion]] as const) {
    if (!VERSIONS.includes(version)) throw invalidArg(`tls.${name} must be 'TLSv1.2' or 'TLSv1.3'`);
  }
  if (VERSIONS.indexOf(minVersion) > VERSIONS.indexOf(maxVersion)) throw invalidArg('tls.minVersion is newer than tls.maxVersion');
  if (typeof ciphers !== 'string') throw invalidArg('tls.ciphers must be a string');
  if (!Array.isArray(ALPNProtocols) || !ALPNProtocols.every((p) => typeof p === 'string' && Buffer.byteLength(p) >= 1 && Buffer.byteLength(p) <= 255)) {
    throw invalidArg('tls.ALPNProtocols must be an array of protocol names of 1 to 255 bytes');
  }
  for (const [name, flag] of [['requestCert', requestCert], ['rejectUnauthorized', rejectUnauthorized]] as const) {
    if (typeof flag !== 'boolean') throw invalidArg(`tls.${name} must be a boolean`);
  }
  const caList = Array.isArray(ca) ? ca : [ca];
  if (caList.length > 0 && !requestCert) throw invalidArg('tls.ca is for client certificates: it needs requestCert: true');
  if (!Number.isInteger(handshakeTimeout) || handshakeTimeout < 1 || handshakeTimeout > MAX_HANDSHAKE_TIMEOUT_MS) {
    throw invalidArg(`tls.handshakeTimeout must be an integer from 1 to ${MAX_HANDSHAKE_TIMEOUT_MS} ms`);
  }
  // node:tls's one list: TLS 1.3 suites are the TLS_ names, OpenSSL sets them apart.
  const entries = ciphers.split(':').filter(Boolean);
  return {
    ...engineCredentials(options, 'tls'),
    sni: [],
    minVersion,
    maxVersion,
    ciphers: entries.filter((entry) => !entry.startsWith('TLS_')).join(':'),
    ciphersuites: entries.filter((entry) => entry.startsWith('TLS_')).join(':'),
    alpn: ALPNProtocols,
    ca: caList.map((pem, i) => pemText(pem, `tls.ca[${i}]`)).join('\n'),
    requestCert,
    rejectUnauthorized,
    handshakeTimeoutMs: handshakeTimeout,
  };
}

/** Checks a certificate and key (`what` names them in errors) and converts them. */
export function engineCredentials(credentials: TlsCredentials, what: string): EngineTlsCredentials {
  if (typeof credentials !== 'object' || credentials === null) throw invalidArg(`${what} must be an object with cert and key, or pfx`);
  const { cert, key, pfx, passphrase = '' } = credentials;
  if (typeof passphrase !== 'string') throw invalidArg(`${what}.passphrase must be a string`);
  if (pfx !== undefined) {
    if (cert !== undefined || key !== undefined) throw invalidArg(`${what}: pfx holds the certificate and key: give pfx, or cert and key`);
    if (!Buffer.isBuffer(pfx)) throw invalidArg(`${what}.pfx must be a Buffer (PKCS#12)`);
    return { cert: '', key: '', pfx, passphrase };
  }
  return { cert: pemText(cert, `${what}.cert`), key: pemText(key, `${what}.key`), pfx: undefined, passphrase };
}

function pemText(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  throw invalidArg(`${name} must be a PEM string or Buffer`);
}

/** The engine's description of a connection's session (one field a line, tls.cc Describe) for its getters. */
export function tlsSessionInfo(text: string): TlsSessionInfo {
  const [protocol = '', cipher = '', servername = '', alpn = '', ...client] = text.split('\n');
  const info: TlsSessionInfo = { protocol, cipher, servername: servername || false, alpnProtocol: alpn || false };
  if (client.length === 0) return info;
  const [authorizationError, subject, issuer, notAfter, fingerprint256] = client;
  info.authorizationError = authorizationError || null;
  if (subject !== undefined) {
    info.peerCertificate = { subject: nameFields(subject), issuer: nameFields(issuer), valid_to: opensslDate(Number(notAfter)), fingerprint256 };
  }
  return info;
}

// OpenSSL's one-line name ("/CN=client/O=Example") as node:tls's object.
function nameFields(oneline: string): Record<string, string> {
  return Object.fromEntries(oneline.split('/').filter(Boolean).map((field) => {
    const at = field.indexOf('=');
    return [field.slice(0, at), field.slice(at + 1)];
  }));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// A time as OpenSSL prints certificate dates, as node:tls's valid_to: "Jan  1 00:00:00 2100 GMT".
function opensslDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const time = d.toISOString().slice(11, 19);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${time} ${d.getUTCFullYear()} GMT`;
}
