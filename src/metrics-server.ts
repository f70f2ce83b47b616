/**
 * The HTTP endpoint beside the TCP service: /metrics, /healthz, /readyz.
 */
import { createServer, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Registry } from 'prom-client';

import type { Logger } from './log';

/** How long the metrics endpoint pauses after a failed accept on Windows. */
const RELISTEN_DELAY_MS = 1000;

/** What /readyz reports: false before listening and while draining. */
export interface Readiness {
  ready: boolean;
}

/**
 * Starts the metrics endpoint; resolves with the bound port, rejects with the
 * bind error. Later server errors are logged and do not stop it.
 */
export async function startMetricsServer(
  registry: Registry,
  readiness: Readiness,
  host: string,
  port: number,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<{ server: HttpServer; port: number }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (err: Error) => response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${err.message}\n`),
      );
    } else if (path === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const status = readiness.ready ? 200 : 503;
      response.writeHead(status, { 'Content-Type': 'text/plain' }).end(readiness.ready ? 'ready\n' : 'not ready\n');
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  // After listening, errors are failed accepts (out of sockets), which Node
  // reports as 'error' on Windows only. There libuv has then stopped listening
  // and its next accept would abort the process (libuv/libuv#1386, still so
  // in Node 22): close the listener and listen again after a pause.
  server.on('error', (err: NodeJS.ErrnoException) => {
    log.warn('metrics endpoint error', { err });
    if (process.platform !== 'win32' || (err.syscall !== 'accept' && err.syscall !== 'listen')) return;
    if (server.listening) server.close();
    setTimeout(() => server.listen(bound, host), RELISTEN_DELAY_MS).unref();
  });
  server.on('listening', () => log.info('metrics endpoint listening', { host, port: bound }));
  return { server, port: bound };
}

