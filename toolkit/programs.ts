// The C programs of bench/ (the load generator, the C echo), built once per
// process with the machine's gcc into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './service';

type Program = 'loadgen' | 'echo';

/** What each program links with, and the Debian packages with the headers for it. */
const NEEDS: Record<Program, { libraries: string[]; packages: string[] }> = {
  loadgen: { libraries: ['-lssl', '-lcrypto'], packages: ['libssl-dev'] },  // its TLS modes
  echo: { libraries: [], packages: [] },
};

/**
 * scripts/windows-tools.mjs's ensureDebianPackages, which the other scripts
 * use: an ES module, and these tools compile to CommonJS (a require() of it
 * needs Node 20.19 or 22.12), so a child node runs it.
 */
function ensureDebianPackages(packages: string[]): void {
  if (packages.length === 0) return;
  const tools = pathToFileURL(join(repoRoot, 'scripts', 'windows-tools.mjs')).href;
  execFileSync(process.execPath, ['--input-type=module', '--eval',
    `import { ensureDebianPackages } from ${JSON.stringify(tools)}; ensureDebianPackages(${JSON.stringify(packages)});`],
  { stdio: 'inherit' });
}

const built = new Map<string, string>();

/** The path of bench/<name>.c built, built on first use. */
export function benchProgram(name: Program): string {
  let binary = built.get(name);
  if (binary === undefined) {
    const dir = join(tmpdir(), 'iocp-tcp-bench');
    mkdirSync(dir, { recursive: true });
    binary = join(dir, name);
    ensureDebianPackages(NEEDS[name].packages);
    execFileSync('gcc', ['-O2', '-std=gnu11', '-o', binary, join(repoRoot, 'bench', `${name}.c`), ...NEEDS[name].libraries]);
    built.set(name, binary);
  }
  return binary;
}
