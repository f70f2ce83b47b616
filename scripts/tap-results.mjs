// Test by test outcomes from the raw TAP that tap keeps of each test file
// (`tap --output-dir=<dir>`: <dir>/<test file>.tap), and the differences
// between two runs. scripts/windows-host-check.mjs compares the suite run
// against the MSVC build with the same suite run against the prebuild.
//
// A "test" is each t.test() (its `# Subtest:` header and closing point, or a
// point marked SKIP or TODO) and each test file as a whole; assertions are
// not compared one by one, as their messages carry numbers that change from
// run to run (ports, timings), but the failed ones are listed under their test.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every `.tap` file below `dir`, as paths relative to it with forward slashes. */
function tapFiles(dir) {
  const found = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.tap')) found.push(relative(dir, path).replaceAll('\\', '/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found.sort();
}

/** A point's description split into its name (unescaped) and its directive (SKIP/TODO), if any. */
function splitDescription(description) {
  const m = /^((?:[^#\\]|\\.)*?)\s*(?:#\s*(.*))?$/s.exec(description);
  const name = m[1].replace(/\\(.)/g, '$1');
  const directive = /^(SKIP|TODO)\b\s*(.*)$/i.exec(m[2] ?? '');
  return { name, directive: directive?.[1].toUpperCase(), reason: directive?.[2] ?? '' };
}

function statusOf(ok, directive) {
  if (directive === 'SKIP') return 'skip';
  if (directive === 'TODO') return 'todo';
  return ok ? 'pass' : 'fail';
}

/**
 * Parses one file's raw TAP into its tests: a map from the path of each test
 * (names joined with ' > ') to { status, failed (names of failed assertions
 * directly in it), reason (of a skip or todo) }, plus the file's own entry
 * under the key '' (fail when a top-level assertion failed, the run bailed
 * out or ended without its plan).
 */
export function parseTap(text) {
  const tests = new Map();
  const headers = [];
  const failedIn = new Map();
  const seen = new Map();
  let yamlIndent = -1;
  let plan = false;
  let bailed = false;
  let topFailures = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    if (yamlIndent >= 0) {
      if (trimmed === '...' && indent === yamlIndent) yamlIndent = -1;
      continue;
    }
    if (trimmed === '---' && indent % 4 === 2) {
      yamlIndent = indent;
      continue;
    }
    const depth = Math.floor(indent / 4);
    if (trimmed.startsWith('Bail out!')) bailed = true;
    const header = /^# Subtest: (.*)$/.exec(trimmed);
    if (header) {
      headers.length = depth;
      headers[depth] = header[1].replace(/\\(.)/g, '$1');
      continue;
    }
    if (depth === 0 && /^1\.\.\d+/.test(trimmed)) plan = true;
    const point = /^(not ok|ok)\b(?:\s+\d+)?(?:\s+-)?\s*(.*)$/.exec(trimmed);
    if (!point) continue;
    const ok = point[1] === 'ok';
    const { name, directive, reason } = splitDescription(point[2]);
    const isTest = headers[depth] !== undefined || directive !== undefined;
    if (!isTest) {
      // An assertion: it belongs to the test whose header is one level up.
      if (ok) continue;
      if (depth === 0) topFailures.push(name);
      else {
        const owner = headers.slice(0, depth).join(' > ');
        failedIn.set(owner, [...(failedIn.get(owner) ?? []), name]);
      }
      continue;
    }
    const path = [...headers.slice(0, depth), name].join(' > ');
    headers.length = depth;
    const count = (seen.get(path) ?? 0) + 1;
    seen.set(path, count);
    const key = count === 1 ? path : `${path} #${count}`;
    tests.set(key, { status: statusOf(ok, directive), failed: failedIn.get(path) ?? [], ...(reason ? { reason } : {}) });
    failedIn.delete(path);
  }
  const incomplete = bailed ? 'bailed out' : plan ? '' : 'ended without a plan (the test process stopped early)';
  if (incomplete) topFailures = [...topFailures, incomplete];
  tests.set('', { status: topFailures.length > 0 ? 'fail' : 'pass', failed: topFailures });
  return tests;
}

/**
 * Every test of every `.tap` file below `dir`: a plain object keyed by
 * '<file> > <test path>' (the file's own entry is keyed by the file).
 */
export function readTapDir(dir) {
  const results = {};
  for (const file of tapFiles(dir)) {
    const name = file.replace(/\.tap$/, '');
    for (const [path, outcome] of parseTap(readFileSync(join(dir, file), 'utf8'))) {
      results[path ? `${name} > ${path}` : name] = outcome;
    }
  }
  return results;
}

/** Counts of a result set by status. */
export function tally(results) {
  const counts = { tests: 0, pass: 0, fail: 0, skip: 0, todo: 0 };
  for (const { status } of Object.values(results)) {
    counts.tests++;
    counts[status]++;
  }
  return counts;
}

/**
 * The tests whose outcome differs between two result sets (a test missing
 * from one has status 'absent' there), and those that failed in both.
 */
export function compareResults(a, b) {
  const differences = [];
  const failedInBoth = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const [left, right] = [a[key], b[key]];
    const [sa, sb] = [left?.status ?? 'absent', right?.status ?? 'absent'];
    if (sa !== sb) differences.push({ test: key, a: sa, b: sb, failed: [...(left?.failed ?? []), ...(right?.failed ?? [])] });
    else if (sa === 'fail') failedInBoth.push({ test: key, failed: left.failed });
  }
  return { differences, failedInBoth };
}
