/**
 * TLS options as node:tls users write them, checked and turned into what the
 * engine takes. The engine does the TLS itself, with the OpenSSL of this Node
 * process (src-native/tls.cc).
 */
import { X509Certificate } from 'node:crypto';

import { invalidArg } from './errors';

/** `createServer({ tls })`: the server's certificate and how it negotiates. */
export interface TlsOptions {
  /** The certificate in PEM, followed by the chain up to (not including) the root, as node:tls's `cert`. */
  cert: string | Buffer;
  /** Its private key in PEM, as node:tls's `key`. */
  key: string | Buffer;
  /** The passphrase of an encrypted `key`. */
  passphrase?: string;
  /** The oldest protocol version accepted: `'TLSv1.2'` (default, as node:tls) or `'TLSv1.3'`. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * A handshake not finished this many ms after the connection was accepted
   * is abandoned: the connection is reset, cause `tls_error` (default 10000;
   * node:tls waits 120 s, long enough for a few thousand stalled peers to
   * pile up).
   */
  handshakeTimeout?: number;
}

/** What the engine takes. */
export interface EngineTlsOptions {
  cert: string;
  key: string;
  passphrase: string;
  minVersion: string;
  handshakeTimeoutMs: number;
}

/** How a TLS handshake ended, in the engine's order (engine.h HandshakeResult). */
export const HANDSHAKE_RESULTS = ['ok', 'not_tls', 'protocol', 'timeout', 'aborted'] as const;

/** See {@link HANDSHAKE_RESULTS} and README, "TLS". */
export type HandshakeResult = (typeof HANDSHAKE_RESULTS)[number];

/** The server's 'tlsHandshake' event. */
export type HandshakeInfo =
  | { result: 'ok'; durationSeconds: number; protocol: string }
  | { result: Exclude<HandshakeResult, 'ok'>; durationSeconds: number; reason: string };

/** What a TLS connection negotiated, as its getters report it. */
export interface TlsSessionInfo {
  protocol: string;
  cipher: string;
  servername: string | false;
}

const OPTION_NAMES: ReadonlySet<string> = new Set<keyof TlsOptions>(['cert', 'key', 'passphrase', 'minVersion', 'handshakeTimeout']);
// node:tls options this engine does not do yet: named as such rather than as unknown.
const NOT_YET: ReadonlySet<string> = new Set([
  'ca', 'pfx', 'requestCert', 'rejectUnauthorized', 'ALPNProtocols', 'SNICallback', 'maxVersion', 'ciphers', 'ecdhCurve',
  'sessionTimeout', 'ticketKeys', 'secureContext',
]);

const MAX_HANDSHAKE_TIMEOUT_MS = 2 ** 31 - 1;

/** Checks `options` (a TypeError-like ERR_IOCP_TCP_INVALID_ARG naming what is wrong) and converts them. */
export function engineTlsOptions(options: TlsOptions): EngineTlsOptions {
  if (typeof options !== 'object' || options === null) throw invalidArg('tls must be an object with cert and key');
  for (const name of Object.keys(options)) {
    if (NOT_YET.has(name)) throw invalidArg(`TLS option ${name} is not supported yet`);
    if (!OPTION_NAMES.has(name)) throw invalidArg(`unknown TLS option ${name}`);
  }
  const pem = (name: 'cert' | 'key'): string => {
    const value: unknown = options[name];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('latin1');
    throw invalidArg(`tls.${name} must be a PEM string or Buffer`);
  };
  const { passphrase = '', minVersion = 'TLSv1.2', handshakeTimeout = 10000 } = options;
  if (typeof passphrase !== 'string') throw invalidArg('tls.passphrase must be a string');
  if (minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') throw invalidArg("tls.minVersion must be 'TLSv1.2' or 'TLSv1.3'");
  if (!Number.isInteger(handshakeTimeout) || handshakeTimeout < 1 || handshakeTimeout > MAX_HANDSHAKE_TIMEOUT_MS) {
    throw invalidArg(`tls.handshakeTimeout must be an integer from 1 to ${MAX_HANDSHAKE_TIMEOUT_MS} ms`);
  }
  return { cert: pem('cert'), key: pem('key'), passphrase, minVersion, handshakeTimeoutMs: handshakeTimeout };
}

/** The engine's "protocol\ncipher\nservername" for a connection's getters. */
export function tlsSessionInfo(text: string): TlsSessionInfo {
  const [protocol = '', cipher = '', servername = ''] = text.split('\n');
  return { protocol, cipher, servername: servername === '' ? false : servername };
}

/** The first certificate's expiry in `pem` (which OpenSSL has accepted), in Unix seconds. */
export function certificateNotAfter(pem: string): number {
  return Math.floor(Date.parse(new X509Certificate(pem).validTo) / 1000);
}
