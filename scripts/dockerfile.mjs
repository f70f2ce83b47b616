// Reads a Dockerfile into stages and instructions, the way the Docker builder
// does for the parts this project uses: the escape directive, line
// continuations, comments, ARG defaults and ${VAR} substitution, JSON (exec)
// and shell forms, key=value lists. What it does not understand it rejects,
// so a test that follows the file never silently skips a line of it.

/** Splits "a=1 b='x y'" or "a=1 b=\"x y\"" into [["a","1"],["b","x y"]]. */
export function parseKeyValues(text, where) {
  const pairs = [];
  const re = /\s*([^=\s]+)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/gy;
  let match;
  while ((match = re.exec(text)) !== null && match[0].trim() !== '') {
    pairs.push([match[1], match[3] ?? match[4] ?? match[5]]);
    if (re.lastIndex >= text.length) break;
  }
  if (text.slice(re.lastIndex).trim() !== '') throw new Error(`${where}: cannot read ${JSON.stringify(text)} as key=value pairs`);
  return pairs;
}

/** An exec-form argument list, or undefined for the shell form. */
function execForm(text) {
  if (!text.trimStart().startsWith('[')) return undefined;
  const parsed = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new Error(`not a JSON string array: ${text}`);
  return parsed;
}

/** Leading --name=value flags of an instruction, and the rest. */
function flags(text) {
  const found = {};
  let rest = text.trimStart();
  for (let m; (m = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) !== null;) {
    found[m[1]] = m[2];
    rest = rest.slice(m[0].length);
  }
  return { flags: found, rest };
}

/** The logical lines of a Dockerfile: {line (1-based, where it starts), keyword, text}. */
function logicalLines(source) {
  const lines = source.split(/\r?\n/);
  let escape = '\\';
  // Parser directives come first, before any other line, comment or blank.
  for (const line of lines) {
    const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape') escape = directive[2];
  }
  const result = [];
  let current;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && !current)) return;
    const continues = trimmed.endsWith(escape);
    const body = continues ? trimmed.slice(0, -escape.length) : trimmed;
    if (current) current.text += ` ${body}`;
    else {
      const m = /^(\S+)\s*(.*)$/.exec(body);
      current = { line: index + 1, keyword: m[1].toUpperCase(), text: m[2] };
    }
    if (!continues) {
      current.text = current.text.trim();
      result.push(current);
      current = undefined;
    }
  });
  if (current) throw new Error(`line ${current.line}: the file ends inside a continued line`);
  return { escape, lines: result };
}

/** Replaces ${NAME} and $NAME with values from `vars` (left alone when not set, as Docker leaves them for the shell). */
function substitute(text, vars) {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced, bare) => vars[braced ?? bare] ?? whole);
}

/**
 * Parses a Dockerfile. Returns { escape, globalArgs, stages }, each stage
 * { name, from, args, instructions }, each instruction { line, keyword, text, ...parsed fields }.
 */
export function parseDockerfile(source) {
  const { escape, lines } = logicalLines(source);
  const globalArgs = {};
  const stages = [];
  let stage;
  for (const { line, keyword, text } of lines) {
    const where = `Dockerfile line ${line} (${keyword})`;
    if (keyword === 'ARG') {
      const [[name, value]] = text.includes('=') ? parseKeyValues(text, where) : [[text, undefined]];
      const scope = stage ? stage.args : globalArgs;
      scope[name] = value ?? globalArgs[name];
      continue;
    }
    if (keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(text);
      if (!m) throw new Error(`${where}: cannot read ${text}`);
      stage = { name: m[2], from: substitute(m[1], globalArgs), args: {}, instructions: [] };
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`${where}: comes before the first FROM`);
    const vars = () => ({ ...stage.args, ...Object.fromEntries(envPairs(stage)) });
    const instruction = { line, keyword, text };
    switch (keyword) {
      case 'RUN':
      case 'ENTRYPOINT':
      case 'CMD':
      case 'SHELL':
        instruction.exec = execForm(text);
        break;
      case 'COPY': {
        const parsed = flags(text);
        const parts = execForm(parsed.rest) ?? parsed.rest.split(/\s+/);
        instruction.from = parsed.flags.from;
        instruction.sources = parts.slice(0, -1).map((p) => substitute(p, vars()));
        instruction.destination = substitute(parts.at(-1), vars());
        break;
      }
      case 'ENV':
        instruction.pairs = parseKeyValues(substitute(text, vars()), where);
        break;
      case 'LABEL':
        instruction.pairs = parseKeyValues(text, where);
        break;
      case 'HEALTHCHECK': {
        const parsed = flags(text);
        const cmd = /^CMD\s+(.*)$/.exec(parsed.rest);
        if (!cmd) throw new Error(`${where}: expected CMD`);
        instruction.options = parsed.flags;
        instruction.exec = execForm(cmd[1]);
        break;
      }
      case 'WORKDIR':
      case 'USER':
        instruction.value = substitute(text, vars());
        break;
      case 'EXPOSE':
        instruction.ports = text.split(/\s+/).map((p) => Number(p.split('/')[0]));
        break;
      default:
        throw new Error(`${where}: ${keyword} is not understood by this reader; teach it before using it`);
    }
    stage.instructions.push(instruction);
  }
  return { escape, globalArgs, stages };
}

/** Every ENV pair of a stage so far, in order. */
export function envPairs(stage) {
  return stage.instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => i.pairs);
}

/** The last instruction of `keyword` in a stage (the one that takes effect), or undefined. */
export function last(stage, keyword) {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

/**
 * Whether a context path survives a .dockerignore of this project's shape:
 * lines are exact paths or folders, `*` matches everything, `!` re-includes;
 * the last matching line wins, as in Docker. Other glob syntax is rejected.
 */
export function dockerignoreFilter(source) {
  const rules = source.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
    const include = l.startsWith('!');
    const pattern = (include ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
    if (pattern !== '*' && /[*?[\]]/.test(pattern)) throw new Error(`.dockerignore: ${l}: only plain paths and * are understood here`);
    return { include, pattern };
  });
  return (path) => {
    let kept = true;
    for (const { include, pattern } of rules) {
      if (pattern === '*' || path === pattern || path.startsWith(`${pattern}/`)) kept = include;
    }
    return kept;
  };
}
