// The C programs of bench/ (the load generator, the C echo), built once per
// process with the machine's gcc into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './service';

const built = new Map<string, string>();

/** The path of bench/<name>.c built, built on first use. */
export function benchProgram(name: 'loadgen' | 'echo'): string {
  let binary = built.get(name);
  if (binary === undefined) {
    const dir = join(tmpdir(), 'iocp-tcp-bench');
    mkdirSync(dir, { recursive: true });
    binary = join(dir, name);
    execFileSync('gcc', ['-O2', '-std=gnu11', '-o', binary, join(repoRoot, 'bench', `${name}.c`)]);
    built.set(name, binary);
  }
  return binary;
}
