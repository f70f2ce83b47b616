import t from 'tap';
import { createLogger } from '../../src/log';

/** A logger whose lines are collected, parsed, in an array. */
function capture(level: Parameters<typeof createLogger>[0]) {
  const raw: string[] = [];
  const logger = createLogger(level, (line) => raw.push(line));
  const parsed = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, parsed };
}

t.test('calls below the level are dropped and the rest are written in order', async (t) => {
  const { logger, parsed } = capture('warn');
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  t.same(parsed().map((l) => [l.level, l.msg]), [['warn', 'w'], ['error', 'e']]);
});

t.test('debug level writes every call', async (t) => {
  const { logger, parsed } = capture('debug');
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  t.same(parsed().map((l) => l.level), ['debug', 'info', 'warn', 'error']);
});

t.test('each call writes one JSON line with time, level, msg and the fields', async (t) => {
  const { logger, raw, parsed } = capture('info');
  const before = Date.now();
  logger.info('listening', { port: 8090, host: '0.0.0.0' });
  t.equal(raw.length, 1);
  t.ok(raw[0].endsWith('\n'));
  t.equal(raw[0].indexOf('\n'), raw[0].length - 1, 'exactly one line');
  const [line] = parsed();
  t.same(Object.keys(line), ['time', 'level', 'msg', 'port', 'host']);
  t.match(line, { level: 'info', msg: 'listening', port: 8090, host: '0.0.0.0' });
  t.equal(new Date(line.time as string).toISOString(), line.time, 'time is an ISO timestamp');
  t.ok(Date.parse(line.time as string) >= before - 1);
});

t.test('fields cannot overwrite time, level or msg', async (t) => {
  const { logger, parsed } = capture('info');
  logger.info('real', { msg: 'fake', level: 'debug', time: 'never', extra: true });
  t.match(parsed()[0], { level: 'info', msg: 'real', extra: true });
  t.not(parsed()[0].time, 'never');
});

t.test('an Error in the fields is written as message, code and stack', async (t) => {
  const { logger, parsed } = capture('info');
  const err = Object.assign(new Error('boom'), { code: 'E_BOOM' });
  logger.error('failed', { err, nested: { cause: new Error('inner') } });
  const line = parsed()[0];
  t.same(line.err, { message: 'boom', code: 'E_BOOM', stack: err.stack });
  t.match(line.nested, { cause: { message: 'inner', stack: String } });
});

t.test('fields that cannot be serialized still produce a line instead of throwing', async (t) => {
  const { logger, parsed } = capture('info');
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  logger.warn('odd', { cycle, big: 1n });
  logger.info('big', { big: 12n });
  const [odd, big] = parsed();
  t.match(odd, { level: 'warn', msg: 'odd', logError: /not serializable/ });
  t.equal(big.big, '12');
});

t.test('the default writer is process.stdout.write', async (t) => {
  const written: string[] = [];
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
  t.teardown(() => {
    process.stdout.write = original;
  });
  createLogger('info').info('to stdout');
  process.stdout.write = original;
  t.equal(written.length, 1);
  t.match(JSON.parse(written[0]), { msg: 'to stdout' });
});

t.test('the logger reports its level', async (t) => {
  t.equal(createLogger('error', () => {}).level, 'error');
});
