import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import t, { type Test } from 'tap';

const script = join(__dirname, '..', '..', 'dist', 'healthcheck.js');

/** Runs the compiled health check with only the given IOCP_TCP_* variables; resolves with its exit code and stderr. */
async function healthcheck(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stderr };
}

/** An HTTP server on 127.0.0.1:0 that answers /healthz with `status`, closed at teardown. */
async function metricsStub(t: Test, status: number): Promise<{ server: Server; port: number; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(status).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  return { server, port: (server.address() as AddressInfo).port, paths };
}

t.test('exits 0 when /healthz answers 200 on the configured metrics port (0.0.0.0 is reached on 127.0.0.1)', async (t) => {
  const stub = await metricsStub(t, 200);
  const result = await healthcheck({ IOCP_TCP_METRICS_HOST: '0.0.0.0', IOCP_TCP_METRICS_PORT: String(stub.port) });
  t.equal(result.code, 0, result.stderr);
  t.same(stub.paths, ['/healthz']);
});

t.test('the --metrics-port flag wins over the variable, as in the service', async (t) => {
  const stub = await metricsStub(t, 200);
  const result = await healthcheck({ IOCP_TCP_METRICS_PORT: '1' }, ['--metrics-port', String(stub.port)]);
  t.equal(result.code, 0, result.stderr);
});

t.test('exits 1 and says why when /healthz answers anything but 200', async (t) => {
  const stub = await metricsStub(t, 503);
  const result = await healthcheck({ IOCP_TCP_METRICS_HOST: '127.0.0.1', IOCP_TCP_METRICS_PORT: String(stub.port) });
  t.equal(result.code, 1);
  t.match(result.stderr, `127.0.0.1:${stub.port}/healthz answered 503`);
});

t.test('exits 1 and says why when nothing listens', async (t) => {
  const stub = await metricsStub(t, 200);
  const port = stub.port;
  await new Promise((resolve) => stub.server.close(resolve));
  const result = await healthcheck({ IOCP_TCP_METRICS_HOST: '127.0.0.1', IOCP_TCP_METRICS_PORT: String(port) });
  t.equal(result.code, 1);
  t.match(result.stderr, 'ECONNREFUSED');
});

t.test('exits 1 on an invalid setting, naming it', async (t) => {
  const result = await healthcheck({ IOCP_TCP_METRICS_PORT: 'ninety' });
  t.equal(result.code, 1);
  t.match(result.stderr, 'IOCP_TCP_METRICS_PORT');
});
