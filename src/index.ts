/**
 * iocp-tcp: a TCP server framework on a native completion-based engine.
 */
export { createServer, Server } from './server';
export type { ServerOptions, ListenOptions, CloseOptions, AddressInfo, ServerStats } from './server';
export { Connection } from './connection';
export type { CloseInfo, DisconnectCause } from './connection';
export { registerMetrics, METRIC_NAMES, DISCONNECT_CAUSES } from './metrics';
export { IocpTcpError, ERROR_CODES } from './errors';
export type { ErrorCode } from './errors';
