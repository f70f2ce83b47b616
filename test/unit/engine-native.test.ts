// The engine core's own tests (test/native/engine-core.cc): built here with
// ThreadSanitizer, run, and each of their TAP lines asserted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import t from 'tap';

const root = join(__dirname, '..', '..');
const skip = process.platform !== 'linux' ? 'built with the Linux toolchain (g++ and libtsan)' : false;

t.test('engine core: budget crossings from several threads, the accept-failure table, a scripted worker', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-native-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const binary = join(dir, 'engine-core');
  const sources = ['test/native/engine-core.cc', 'src-native/engine.cc', 'src-native/socket.cc', 'src-native/tls.cc'].map((file) => join(root, file));
  // tls.cc is built against the OpenSSL headers Node ships (its functions are looked up at run time, unused here).
  const nodeInclude = join(dirname(dirname(process.execPath)), 'include', 'node');
  execFileSync(process.env.CXX || 'c++', ['-std=c++17', '-O1', '-g', '-fsanitize=thread', `-I${nodeInclude}`, ...sources, '-o', binary, '-lpthread', '-ldl'], {
    stdio: 'inherit',
  });
  let output = '';
  let failed: unknown;
  try {
    output = execFileSync(binary, { encoding: 'utf8', env: { ...process.env, TSAN_OPTIONS: 'halt_on_error=1' } });
  } catch (err) {
    failed = err;
    output = String((err as { stdout?: string }).stdout ?? '');
  }
  const results = [...output.matchAll(/^(not )?ok \d+ - (.*)$/gm)];
  t.ok(results.length >= 11, `the native test ran its checks (${results.length})`);
  for (const [, not, what] of results) t.ok(!not, what);
  t.notOk(failed, 'it exited 0 with no ThreadSanitizer report', { stderr: String((failed as { stderr?: string })?.stderr ?? '') });
});
