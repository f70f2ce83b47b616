#!/usr/bin/env node
/**
 * The container's HEALTHCHECK: GET /healthz on the metrics endpoint that the
 * service's own settings (flags or IOCP_TCP_* variables) name; exit 0 on 200,
 * else 1 with one line on stderr. A node.exe script, so the image needs
 * neither curl nor PowerShell (whose start-up costs far more CPU per check).
 */
import { request } from 'node:http';

import { parseConfig } from './config';

const TIMEOUT_MS = 3000;

/** Where a client on this host reaches a server bound to `host`. */
function localAddress(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** Resolves with the status of GET /healthz, rejects on a connection error or after `timeoutMs`. */
function probeHealth(host: string, port: number, timeoutMs = TIMEOUT_MS): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/healthz', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (parsed.kind !== 'config') {
    process.stdout.write('iocp-tcp health check: exits 0 when /healthz of the service answers 200. Takes the service\'s settings.\n');
    return 0;
  }
  const host = localAddress(parsed.config.metricsHost);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${parsed.config.metricsPort}/healthz`;
  try {
    const status = await probeHealth(host, parsed.config.metricsPort);
    if (status === 200) return 0;
    process.stderr.write(`iocp-tcp health check: ${url} answered ${status}\n`);
  } catch (err) {
    process.stderr.write(`iocp-tcp health check: ${url}: ${(err as Error).message}\n`);
  }
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`iocp-tcp health check: ${err.message}\n`);
    process.exit(1);
  },
);
