// The check CI runs on the Linux prebuilds (scripts/elf-imports.mjs): the
// committed ones pass it, and binaries that would not load on the glibc floor
// fail it: one built here against this machine's newer glibc that needs the
// C++ runtime as a shared library, one with relative relocations packed the
// glibc 2.36 way, and a binary of the wrong architecture.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t, { type Test } from 'tap';

const root = join(__dirname, '..', '..');
// readelf reads the binaries, g++ builds the bad ones: Linux's tools (on a Windows host these skip).
const skip = process.platform === 'linux' ? false : 'needs readelf and a Linux g++';

interface ImportCheck { needed: string[]; versions: string[]; problems: string[] }

/** Runs the check in a child (it is an ES module script). */
function check(file: string, arch: string): ImportCheck {
  const script = `import('./scripts/elf-imports.mjs').then((m) => process.stdout.write(JSON.stringify(m.checkLinuxImports(process.argv[1], process.argv[2]))))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, file, arch], { cwd: root, encoding: 'utf8' })) as ImportCheck;
}

t.test('the committed Linux prebuilds need only glibc 2.31 and its libraries', { skip }, async (t) => {
  for (const arch of ['x64', 'arm64']) {
    const result = check(join(root, 'prebuilds', `linux-${arch}`, 'iocp-tcp.napi.glibc.node'), arch);
    t.same(result.problems, [], `linux-${arch}: no problems`);
    t.ok(result.needed.includes('libc.so.6'), `linux-${arch} needs libc (the check reads the file)`);
    t.ok(result.versions.some((v) => v.startsWith('GLIBC_')), `linux-${arch} needs GLIBC_ versions`);
  }
});

/** Builds a shared library from `source` with this machine's g++ (glibc 2.36 or newer), or fails the test. */
function buildHere(t: Test, source: string, flags: string[]): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-elf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'probe.cc'), source);
  const output = join(dir, 'probe.so');
  try {
    execFileSync('g++', ['-shared', '-fPIC', '-O2', ...flags, join(dir, 'probe.cc'), '-o', output], { stdio: 'pipe' });
    return output;
  } catch (err) {
    t.fail(`this machine's g++ cannot build the probe (needs glibc 2.36 or newer): ${String((err as { stderr?: Buffer }).stderr)}`);
    return undefined;
  }
}

t.test('a binary built against a newer glibc or a shared C++ runtime fails the check', { skip }, async (t) => {
  // arc4random arrived in glibc 2.36; std::string's growth lives in libstdc++.
  const output = buildHere(t, '#include <stdlib.h>\n#include <string>\nextern "C" unsigned probe(const char* s) { std::string x(s); x += s; return arc4random() + x.size(); }\n', []);
  if (!output) return;
  const { problems } = check(output, 'x64');
  t.match(problems.join('\n'), /needs GLIBC_2\.3[6-9]|needs GLIBC_2\.[4-9]\d/, 'a version above the floor is named');
  t.match(problems.join('\n'), 'needs libstdc++.so.6', 'the shared C++ runtime is refused');
  t.match(problems.join('\n'), /needs GLIBCXX_/, 'and its versions');
  t.match(check(output, 'arm64').problems.join('\n'), /is built for Advanced Micro Devices X86-64, not arm64/, 'an x64 binary is refused as arm64');
});

t.test('a binary whose only new need is the loader feature GLIBC_ABI_DT_RELR fails the check', { skip }, async (t) => {
  // Its symbols need only GLIBC_2.2.5: the version-needs section alone shows what the loader will ask for.
  const output = buildHere(t, '#include <string.h>\nstatic const char* names[] = {"a", "b", "c", "d"};\nextern "C" size_t probe(int i) { return strlen(names[i & 3]); }\n', [
    '-static-libstdc++', '-static-libgcc', '-Wl,-z,pack-relative-relocs',
  ]);
  if (!output) return;
  const { problems } = check(output, 'x64');
  t.same(problems, ['needs GLIBC_ABI_DT_RELR, which glibc 2.31 does not promise'], 'the packed relocations are refused, and only they');
});
