/**
 * The service's certificate rotation: the TLS files are read again every so
 * often, and a certificate that changed serves new connections (open ones
 * keep theirs). Reading the paths, not watching them, follows every way a
 * file gets replaced: an editor's rename, Kubernetes swapping the symlink of
 * a mounted secret, a bind mount on Windows.
 */
import { readFile } from 'node:fs/promises';

import type { Logger } from './log';
import type { Server } from './server';
import type { TlsOptions } from './tls';

/** Where the service's certificate and key come from. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/**
 * Starts reading `files` every `intervalMs`; `loaded` is what the server
 * serves now. A pair OpenSSL refuses is logged once and the old one stays.
 * Returns the function that stops it.
 */
export function reloadCertificates(server: Server, files: TlsFiles, loaded: TlsOptions, intervalMs: number, log: Logger): () => void {
  let current = { cert: Buffer.from(loaded.cert), key: Buffer.from(loaded.key) };
  let refused: { cert: Buffer; key: Buffer } | undefined;
  const same = (a: { cert: Buffer; key: Buffer }, b: { cert: Buffer; key: Buffer } | undefined): boolean =>
    b !== undefined && a.cert.equals(b.cert) && a.key.equals(b.key);
  let busy = false;
  const check = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const next = { cert: await readFile(files.cert), key: await readFile(files.key) };
      if (same(next, current) || same(next, refused)) return;
      try {
        server.setSecureContext({ ...loaded, ...next });
        current = next;
        refused = undefined;
        log.info('TLS certificate reloaded', { cert: files.cert, notAfter: new Date(server.tlsCertificateNotAfter! * 1000).toISOString() });
      } catch (err) {
        refused = next;
        log.error('TLS certificate not reloaded; the one before stays', { cert: files.cert, code: (err as { code?: string }).code, message: (err as Error).message });
      }
    } catch (err) {
      // Mid-swap a file may be missing for a moment: the next check sees the new one.
      log.debug('TLS files not readable now', { message: (err as Error).message });
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
