// What the soak and the hostile-peer run share to report: byte counts for
// people, bounded concurrency, and a list of checks that ends the run with
// "<name>: N passed, M failed" (the line CI reads) and its exit code.

/** 1536 -> "1.5 KiB". */
export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Runs `fn` over `items` with at most `width` at a time. */
export async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** The checks of a run, printed at its end. */
export class Checks {
  readonly list: { ok: boolean; what: string; detail: string }[] = [];

  check(ok: boolean, what: string, detail = ''): void {
    this.list.push({ ok, what, detail });
  }

  get failed(): number {
    return this.list.filter((c) => !c.ok).length;
  }

  /** Prints every check and `<name>: N passed, M failed`; the exit code the run should end with. */
  report(name: string): number {
    log('\nchecks:');
    for (const c of this.list) log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}${c.detail ? ` (${c.detail})` : ''}`);
    log(`${name}: ${this.list.length - this.failed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}
