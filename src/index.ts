/**
 * iocp-tcp: a TCP server framework on a native completion-based engine.
 */
export { createServer, Server } from './server';
export type {
  ServerOptions, ListenOptions, CloseOptions, AddressInfo, ServerStats, ThreadStats, ServerEvents, RunningBackend, DropInfo, AcceptError,
} from './server';
// A type only: connections are made by the server, never by `new`.
export type {
  Connection, ConnectionEvents, CloseInfo, DisconnectCause, ReadyState, KeepAliveProbes, ConnectionClosedError,
} from './connection';
export type { ConnectionStream, ConnectionStreamError } from './connection-stream';
export { HANDSHAKE_RESULTS } from './tls';
export type { TlsOptions, TlsCredentials, TlsSettings, HandshakeInfo, HandshakeResult, PeerCertificate } from './tls';
export type { BackendName } from './config';
export { registerMetrics, METRIC_NAMES, DISCONNECT_CAUSES, REJECT_REASONS } from './metrics';
export type { MetricsSource, MetricsOptions, RejectReason } from './metrics';
export { IocpTcpError, IocpTcpArgumentError, ERROR_CODES } from './errors';
export type { ErrorCode } from './errors';
