// The check CI runs on the Linux prebuilds (scripts/elf-imports.mjs): the
// committed ones pass it, and binaries that would not load on the glibc floor
// fail it — one built here against this machine's newer glibc, one that needs
// the C++ runtime as a shared library.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t from 'tap';

const root = join(__dirname, '..', '..');

interface ImportCheck { needed: string[]; versions: string[]; problems: string[] }

/** Runs the check in a child (it is an ES module script). */
function check(file: string, arch: string): ImportCheck {
  const script = `import('./scripts/elf-imports.mjs').then((m) => process.stdout.write(JSON.stringify(m.checkLinuxImports(process.argv[1], process.argv[2]))))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, file, arch], { cwd: root, encoding: 'utf8' })) as ImportCheck;
}

t.test('the committed Linux prebuilds need only glibc 2.31 and its libraries', async (t) => {
  for (const arch of ['x64', 'arm64']) {
    const result = check(join(root, 'prebuilds', `linux-${arch}`, 'iocp-tcp.napi.glibc.node'), arch);
    t.same(result.problems, [], `linux-${arch}: no problems`);
    t.ok(result.needed.includes('libc.so.6'), `linux-${arch} needs libc (the check reads the file)`);
    t.ok(result.versions.some((v) => v.startsWith('GLIBC_')), `linux-${arch} has GLIBC_ symbol versions`);
  }
});

t.test('a binary built against a newer glibc or a shared C++ runtime fails the check', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-elf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const source = join(dir, 'probe.cc');
  // arc4random arrived in glibc 2.36; std::string's growth lives in libstdc++.
  writeFileSync(source, '#include <stdlib.h>\n#include <string>\nextern "C" unsigned probe(const char* s) { std::string x(s); x += s; return arc4random() + x.size(); }\n');
  const output = join(dir, 'probe.so');
  try {
    execFileSync('g++', ['-shared', '-fPIC', '-O2', source, '-o', output], { stdio: 'pipe' });
  } catch (err) {
    t.fail(`this machine's g++ cannot build the probe (needs glibc 2.36 or newer): ${String((err as { stderr?: Buffer }).stderr)}`);
    return;
  }
  const { problems } = check(output, 'x64');
  t.match(problems.join('\n'), /binds to GLIBC_2\.3[6-9]|binds to GLIBC_2\.[4-9]\d/, 'a symbol version above the floor is named');
  t.match(problems.join('\n'), 'needs libstdc++.so.6', 'the shared C++ runtime is refused');
  t.match(problems.join('\n'), /binds to GLIBCXX_/, 'and its symbol versions');
});
