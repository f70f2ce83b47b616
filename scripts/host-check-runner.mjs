// What scripts/windows-host-check.mjs's steps run commands and make checks
// with: each command printed before it runs ("$ ..."), its output on the
// console and in the step's log; each check printed as ok or FAIL with why.
// Under --dry-run commands and checks are printed and nothing runs.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

import { root } from './lanes.mjs';

/** Bad arguments: exit 2 with the message. */
export class UsageError extends Error {}
/** Ends a step early: a check that later actions depend on failed (already reported). */
export class StepAbort extends Error {}

const display = (arg) => (arg === '' || /[\s"]/.test(arg) ? `"${arg.replaceAll('"', '\\"')}"` : arg);

/** Where npm's own script is, to run it without a shell (Windows installs keep it beside node.exe). */
function npmCommand() {
  const cli = join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (process.platform === 'win32' && existsSync(cli)) return { command: process.execPath, prefix: [cli], shell: false };
  return { command: 'npm', prefix: [], shell: process.platform === 'win32' };
}

/** What a step uses to run commands, check and act; under --dry-run it only prints. */
export class Context {
  constructor(opts, step) {
    this.opts = opts;
    this.dry = opts.dryRun;
    this.step = step;
    this.out = resolve(root, opts.out);
    this.checks = [];
    this.record = {};
    this.commands = 0;
    // Nothing of the shell this runs in may pick the addon for the tests: each step says what it loads.
    this.baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) =>
      !/^(IOCP_TCP_ADDON|PREBUILDS_ONLY|npm_config_build_from_source|IOCP_TCP_TEST_.*)$/i.test(name)));
    if (!this.dry) mkdirSync(this.out, { recursive: true });
  }

  /** A path shown relative to the checkout when inside it. */
  show(path) {
    const rel = relative(root, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.replaceAll('\\', '/') : path;
  }

  /** An argument as printed: paths (also in --flag=path) relative to the checkout, quoted when needed. */
  showArg(arg) {
    const flag = /^(--[\w-]+=)(.+)$/.exec(arg);
    if (flag && isAbsolute(flag[2])) return display(`${flag[1]}${this.show(flag[2])}`);
    return display(isAbsolute(arg) ? this.show(arg) : arg);
  }

  outPath(...parts) {
    return join(this.out, ...parts);
  }

  say(text) {
    this.log(`${text}\n`);
  }

  log(text) {
    process.stdout.write(text);
    if (!this.dry) appendFileSync(this.outPath(`${this.step}.log`), text);
  }

  /**
   * Runs a command (printed first) and resolves with { code, stdout, stderr, ms }.
   * `env` is added to the environment and printed as NAME=value, `unset` (a RegExp of names)
   * takes variables out; `echo: false` keeps the output off the console (it
   * still goes to the step's log).
   */
  run(command, args, { env = {}, unset, cwd = root, timeoutMs = 10 * 60_000, echo = true, capture = true, note } = {}) {
    this.commands++;
    const shownEnv = Object.entries(env).map(([k, v]) => `${k}=${this.showArg(v)} `).join('');
    const shownCommand = command === process.execPath ? 'node' : command;
    const where = cwd === root ? '' : `  (in ${this.show(cwd)})`;
    this.say(`$ ${shownEnv}${[shownCommand, ...args.map((a) => this.showArg(a))].join(' ')}${where}`);
    if (note) this.say(`  ${note}`);
    if (this.dry) return Promise.resolve({ code: 0, stdout: '', stderr: '', ms: 0 });
    const npm = command === 'npm' ? npmCommand() : { command, prefix: [], shell: false };
    const childEnv = Object.fromEntries(Object.entries({ ...this.baseEnv, ...env }).filter(([name]) => !unset?.test(name)));
    const started = Date.now();
    return new Promise((done) => {
      const child = spawn(npm.command, [...npm.prefix, ...args], {
        cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], shell: npm.shell, windowsHide: true,
      });
      const output = { stdout: '', stderr: '' };
      const timer = setTimeout(() => {
        this.say(`  (no end after ${timeoutMs / 1000} s: stopping it)`);
        child.kill();
      }, timeoutMs);
      for (const stream of ['stdout', 'stderr']) {
        child[stream].on('data', (chunk) => {
          const text = chunk.toString();
          if (capture) output[stream] += text;
          if (echo) process[stream].write(text);
          appendFileSync(this.outPath(`${this.step}.log`), text);
        });
      }
      child.on('error', (err) => {
        clearTimeout(timer);
        this.say(`  (could not run it: ${err.message})`);
        done({ code: -1, stdout: output.stdout, stderr: `${output.stderr}${err.message}`, ms: Date.now() - started });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code: code ?? -1, ...output, ms: Date.now() - started });
      });
    });
  }

  /**
   * A check: under --dry-run only printed; else `test()` (run now) gives
   * true/false or { ok, detail }, and the line says ok or FAIL with the detail.
   */
  check(what, test) {
    if (this.dry) {
      this.say(`  check: ${what}`);
      return true;
    }
    let result;
    try {
      result = test();
    } catch (err) {
      result = { ok: false, detail: err.message };
    }
    const { detail } = result !== null && typeof result === 'object' ? result : { detail: '' };
    const ok = Boolean(result !== null && typeof result === 'object' ? result.ok : result);
    this.checks.push({ what, ok, ...(detail ? { detail } : {}) });
    this.say(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
    return ok;
  }

  /** Like check, but a failure is only a warning: `test()` gives true or what is wrong. */
  warn(what, test) {
    if (this.dry) return this.say(`  warn unless: ${what}`);
    let result;
    try {
      result = test();
    } catch (err) {
      result = err.message;
    }
    this.say(result === true ? `ok   ${what}` : `warn ${what}: ${result}`);
  }

  /** A check the rest of the step depends on: a failure ends the step. */
  require(what, test) {
    if (!this.check(what, test)) throw new StepAbort(what);
  }

  /** Something the step does besides running a command; `fn` runs only for real. */
  async act(what, fn) {
    this.say(this.dry ? `  then: ${what}` : `.. ${what}`);
    return this.dry ? undefined : fn();
  }

  /** Runs a command every `everyMs` until `until(result)` says true (done) or a string (failed), or time is up. */
  async poll(what, command, args, until, { everyMs, timeoutMs }) {
    this.commands++;
    const shown = [command, ...args.map(display)].join(' ');
    this.say(`$ ${shown}  (every ${everyMs / 1000} s until ${what}; at most ${Math.round(timeoutMs / 1000)} s)`);
    if (this.dry) return { ok: true };
    const started = Date.now();
    for (;;) {
      const result = await quiet(command, args, { env: this.baseEnv });
      let verdict;
      try {
        verdict = until(result);
      } catch (err) {
        verdict = `${err.message}: ${result.stdout.trim()}`;
      }
      if (verdict === true) return { ok: true, ms: Date.now() - started, result };
      if (typeof verdict === 'string') return { ok: false, ms: Date.now() - started, result, detail: verdict };
      if (Date.now() - started > timeoutMs) return { ok: false, ms: Date.now() - started, result, detail: `not within ${timeoutMs / 1000} s` };
      await sleep(everyMs);
    }
  }

  /** Writes a JSON file into the output folder (not under --dry-run). */
  save(name, value) {
    if (!this.dry) writeFileSync(this.outPath(name), `${JSON.stringify(value, null, 2)}\n`);
  }
}

/** Runs a short command without printing it; resolves with { code, stdout, stderr }. */
export function quiet(command, args, { env = process.env, timeoutMs = 60_000 } = {}) {
  return new Promise((done) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const output = { stdout: '', stderr: '' };
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.stdout.on('data', (chunk) => (output.stdout += chunk));
    child.stderr.on('data', (chunk) => (output.stderr += chunk));
    child.on('error', (err) => {
      clearTimeout(timer);
      done({ code: -1, stdout: output.stdout, stderr: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, ...output });
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
export const exitedZero = (result, what) => ({ ok: result.code === 0, detail: result.code === 0 ? '' : `${what} exited ${result.code}` });
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** JSON log lines of the service among other output. */
export function logLines(text) {
  return text.split(/\r?\n/).flatMap((line) => {
    try {
      const parsed = JSON.parse(line);
      return parsed && typeof parsed === 'object' ? [parsed] : [];
    } catch {
      return [];
    }
  });
}
