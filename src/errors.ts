/**
 * Every error this package throws, each with a stable `code`. Callers test
 * `err.code`, never the message.
 */

/** Error codes of iocp-tcp. */
export const ERROR_CODES = {
  CONFIG: 'ERR_IOCP_TCP_CONFIG',
  BACKEND: 'ERR_IOCP_TCP_BACKEND',
  INVALID_ARG: 'ERR_IOCP_TCP_INVALID_ARG',
  WRITE_AFTER_END: 'ERR_IOCP_TCP_WRITE_AFTER_END',
  CONNECTION_CLOSED: 'ERR_IOCP_TCP_CONNECTION_CLOSED',
  SERVER_STATE: 'ERR_IOCP_TCP_SERVER_STATE',
  HANDLER: 'ERR_IOCP_TCP_HANDLER',
  ADDON: 'ERR_IOCP_TCP_ADDON',
  /** listen(): OpenSSL refused the certificate or key, or this Node has no OpenSSL 3 to offer. */
  TLS: 'ERR_IOCP_TCP_TLS',
  /** node:net's own code, so that code written for node:net's close(callback) works as is. */
  SERVER_NOT_RUNNING: 'ERR_SERVER_NOT_RUNNING',
} as const;

/** Code of an {@link IocpTcpError}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Base class of the errors this package throws. */
export class IocpTcpError extends Error {
  /** Stable error code. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'IocpTcpError';
  }
}

/** A value of the wrong type or range passed to the API: a TypeError, like node's ERR_INVALID_ARG_*. */
export class IocpTcpArgumentError extends TypeError {
  /** Always ERR_IOCP_TCP_INVALID_ARG. */
  readonly code = ERROR_CODES.INVALID_ARG;
  override readonly name = 'IocpTcpArgumentError';
}

/** A value of the wrong type or range passed to the API. */
export function invalidArg(message: string): IocpTcpArgumentError {
  return new IocpTcpArgumentError(message);
}

/** Throws unless `callback` is a function or undefined. */
export function checkCallback(callback: unknown): asserts callback is ((...args: unknown[]) => void) | undefined {
  if (callback !== undefined && typeof callback !== 'function') throw invalidArg('callback must be a function');
}
