// Starting servers for tests, the soak and the bench: the service (dist/cli.js
// on loopback, ports chosen by the system) or any program that says which port
// it listens on. Output goes to files, not pipes: node.exe under Wine fails
// writing to a pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A host:port pair. */
export interface Endpoint {
  host: string;
  port: number;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: string;
}

/** The repository root, found from here (this file runs from toolkit/ or compiled from build/tools/toolkit/). */
export const repoRoot = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'binding.gyp')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no repository root above ${__dirname}`);
})();

export const sleep = (n: number) => new Promise<void>((r) => setTimeout(r, n));

/** The text of `file`, or '' if it cannot be read (yet). */
export function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Resident memory of process `pid` in bytes (Linux /proc; Wine's processes too), NaN when gone. */
export function residentBytes(pid: number): number {
  const found = /VmRSS:\s+(\d+) kB/.exec(readOr(`/proc/${pid}/status`));
  return found ? Number(found[1]) * 1024 : NaN;
}

/** Every complete JSON object line of `text`. */
export function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const obj: unknown = JSON.parse(line);
      if (obj && typeof obj === 'object') out.push(obj as Record<string, unknown>);
    } catch {
      // a line still being written
    }
  }
  return out;
}

export interface ProcessOptions {
  /** Environment of the process (default: this one's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for `ready` (default 20 s). */
  readyTimeoutMs?: number;
}

/** A started process whose output is kept in files until `cleanup()`. */
export interface RunningProcess<Ready> {
  child: ChildProcess;
  command: string[];
  /** Where stdout.log and stderr.log are kept until `cleanup()`. */
  dir: string;
  /** What `ready` returned. */
  ready: Ready;
  /** Resolves once the process has exited. */
  exited: Promise<Exit>;
  /** The exit, once there is one. */
  exit(): Exit | undefined;
  stdout(): string;
  stderr(): string;
  /** The command and the last `lines` lines of stdout and stderr, for failure messages. */
  logs(lines?: number): string;
  /**
   * Sends `signal` (unless it has exited) and waits up to `timeoutMs`; then
   * SIGKILL. Resolves with the exit, or undefined when it had to be killed.
   */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<Exit | undefined>;
  /** Removes the output files (after the process has exited). */
  cleanup(): void;
}

/**
 * Starts `command` and polls its stdout until `ready(stdout)` returns a value;
 * rejects when it exits first or `readyTimeoutMs` passes (the process is then killed).
 */
export async function startProcess<Ready>(
  command: string[],
  ready: (stdout: string) => Ready | undefined,
  opts: ProcessOptions = {},
): Promise<RunningProcess<Ready>> {
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-run-'));
  const outFile = join(dir, 'stdout.log');
  const errFile = join(dir, 'stderr.log');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', out, err], env: opts.env, cwd: opts.cwd ?? repoRoot });
  closeSync(out);
  closeSync(err);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve((exit = { code, signal })));
    child.once('error', (e) => resolve((exit = { code: null, signal: null, error: e.message })));
  });
  const tail = (file: string, lines: number) => readOr(file).split('\n').slice(-lines - 1).join('\n');
  const logs = (lines = 40) =>
    `command: ${JSON.stringify(command)}\n--- stdout (tail) ---\n${tail(outFile, lines)}\n--- stderr (tail) ---\n${tail(errFile, lines)}`;

  const readyTimeoutMs = opts.readyTimeoutMs ?? 20000;
  const deadline = Date.now() + readyTimeoutMs;
  let result: Ready | undefined;
  while ((result = ready(readOr(outFile))) === undefined) {
    const failure = exit ? `exited (${JSON.stringify(exit)}) before it was ready`
      : Date.now() > deadline ? `not ready within ${readyTimeoutMs} ms` : undefined;
    if (failure) {
      const message = `${failure}\n${logs()}`;
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(message);
    }
    await sleep(50);
  }
  return {
    child,
    command,
    dir,
    ready: result,
    exited,
    exit: () => exit,
    stdout: () => readOr(outFile),
    stderr: () => readOr(errFile),
    logs,
    async stop(signal, timeoutMs) {
      if (!exit) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([exited, new Promise<undefined>((r) => (timer = setTimeout(r, timeoutMs, undefined)))]);
      clearTimeout(timer);
      if (inTime) return inTime;
      child.kill('SIGKILL');
      await exited;
      return undefined;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The service's `listening` log line. */
export interface ListeningLine {
  msg: 'listening';
  port: number;
  metricsPort: number;
  backend?: string;
  handler?: string;
  ioThreads?: number;
  version?: string;
}

/** The service's `listening` line in `stdout`, once it is there. */
export function findListening(stdout: string): ListeningLine | undefined {
  return jsonLines(stdout).find((l): l is Record<string, unknown> & ListeningLine =>
    l.msg === 'listening' && typeof l.port === 'number' && typeof l.metricsPort === 'number');
}

export interface ServiceOptions extends ProcessOptions {
  /** What runs the entry (default: this node); e.g. `['wine', 'node.exe']` or a `prlimit` prefix. */
  launch?: string[];
  /** The service entry (default dist/cli.js). */
  cli?: string;
  /** Arguments after the ones that put both servers on 127.0.0.1, ports 0. */
  args?: string[];
}

/** A running service: its endpoints, its JSON log lines, and the process. */
export interface RunningService extends RunningProcess<ListeningLine> {
  tcp: Endpoint;
  metrics: Endpoint;
  /** JSON log lines (stdout) so far. */
  logLines(): Record<string, unknown>[];
}

/** Starts the service on loopback (ports 0) and waits for its `listening` line. */
export async function startService(opts: ServiceOptions = {}): Promise<RunningService> {
  const launch = opts.launch ?? [process.execPath];
  const command = [
    ...launch, opts.cli ?? join(repoRoot, 'dist', 'cli.js'),
    '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0',
    ...(opts.args ?? []),
  ];
  const started = await startProcess(command, findListening, opts);
  return {
    ...started,
    tcp: { host: '127.0.0.1', port: started.ready.port },
    metrics: { host: '127.0.0.1', port: started.ready.metricsPort },
    logLines: () => jsonLines(started.stdout()),
  };
}
