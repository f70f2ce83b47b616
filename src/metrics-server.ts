/**
 * The HTTP endpoint beside the TCP service: /metrics, /healthz, /readyz.
 */
import { createServer, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Registry } from 'prom-client';

/** What /readyz reports: false before listening and while draining. */
export interface Readiness {
  ready: boolean;
}

/** Starts the metrics endpoint; resolves with the bound port, rejects with the bind error. */
export async function startMetricsServer(
  registry: Registry,
  readiness: Readiness,
  host: string,
  port: number,
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
  return { server, port: (server.address() as AddressInfo).port };
}
