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
import type { TlsCredentials, TlsSettings } from './tls';

/** The files a certificate comes from: a PEM certificate and key, or one PKCS#12 file. */
export type CredentialFiles = { cert: string; key: string } | { pfx: string };

/** What those files held when read, by the same names. */
export type CredentialBytes = Partial<Record<'cert' | 'key' | 'pfx', Buffer>>;

/** The credentials `bytes` (read from CredentialFiles) make. */
export function credentialsOf(bytes: CredentialBytes, passphrase: string): TlsCredentials {
  return bytes.pfx ? { pfx: bytes.pfx, passphrase } : { cert: bytes.cert!, key: bytes.key!, passphrase };
}

/**
 * Starts reading `files` every `intervalMs`; `loaded` is what the server
 * serves now, with `settings`. A certificate OpenSSL refuses is logged once
 * and the old one stays. Returns the function that stops it.
 */
export function reloadCertificates(
  server: Server, files: CredentialFiles, passphrase: string, settings: TlsSettings, loaded: CredentialBytes, intervalMs: number, log: Logger,
): () => void {
  const names = Object.keys(files) as Array<keyof CredentialBytes>;
  const paths = files as Record<string, string>;
  const same = (a: CredentialBytes, b: CredentialBytes | undefined): boolean => b !== undefined && names.every((name) => a[name]!.equals(b[name]!));
  let current = loaded;
  let refused: CredentialBytes | undefined;
  let busy = false;
  const check = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const next: CredentialBytes = {};
      for (const name of names) next[name] = await readFile(paths[name]);
      if (same(next, current) || same(next, refused)) return;
      try {
        server.setSecureContext({ ...settings, ...credentialsOf(next, passphrase) });
        current = next;
        refused = undefined;
        log.info('TLS certificate reloaded', { files, notAfter: new Date(server.tlsCertificateNotAfter! * 1000).toISOString() });
      } catch (err) {
        refused = next;
        log.error('TLS certificate not reloaded; the one before stays', { files, code: (err as { code?: string }).code, message: (err as Error).message });
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
