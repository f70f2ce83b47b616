// Runs test lanes (child processes running tap), echoes their output and
// ends with one summary line in the "N passed, N failed" form CI reads.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');

/** Runs a command, echoing its output; resolves with its exit code and tap's totals. */
export function runLane(label, command, args, env = process.env) {
  process.stdout.write(`\n=== ${label}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk).slice(-4096);
    });
    child.on('close', (code) => {
      // tap's closing "# { total: T, pass: P, fail: F }", or a plain "N passed, M failed".
      const tap = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/.exec(tail);
      const plain = /(\d+) passed, (\d+) failed/.exec(tail);
      const total = tap ? Number(tap[1]) : plain ? Number(plain[1]) + Number(plain[2]) : 0;
      const fail = tap ? Number(tap[3] ?? 0) : plain ? Number(plain[2]) : 0;
      resolve({ label, code, total, fail });
    });
  });
}

/** Prints one line per lane and the totals; exits 0 only if every lane passed. */
export function finish(lanes) {
  let passed = 0;
  let failed = 0;
  process.stdout.write('\n=== summary\n');
  for (const lane of lanes) {
    process.stdout.write(`${lane.code === 0 ? 'ok  ' : 'FAIL'} ${lane.label}: ${lane.total} checks, ${lane.fail} failed\n`);
    failed += lane.code === 0 ? lane.fail : Math.max(lane.fail, 1);
    passed += lane.total - lane.fail;
  }
  process.stdout.write(`checks: ${passed} passed, ${failed} failed\n`);
  process.exit(lanes.every((lane) => lane.code === 0) ? 0 : 1);
}
