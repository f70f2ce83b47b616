import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import t from 'tap';

import { SETTINGS } from '../../src/config';
import { DISCONNECT_CAUSES, METRIC_NAMES } from '../../src/metrics';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

t.test('the README settings table has a row for every setting with its env var and default', async (t) => {
  const rows = readme.split('\n').filter((line) => line.startsWith('| `--'));
  t.equal(rows.length, Object.keys(SETTINGS).length, 'one row per setting, no extra rows');
  for (const setting of Object.values(SETTINGS)) {
    const row = rows.find((line) => line.startsWith(`| \`${setting.flag} `));
    t.ok(row, `row for ${setting.flag}`);
    t.match(row, `\`${setting.env}\``, `${setting.flag} names ${setting.env}`);
    t.match(row, `| ${setting.defaultText} |`, `${setting.flag} default ${setting.defaultText}`);
  }
});

t.test('the README documents every metric and every disconnect cause', async (t) => {
  for (const name of Object.values(METRIC_NAMES)) t.match(readme, `\`${name}`, name);
  for (const cause of DISCONNECT_CAUSES) t.match(readme, `| \`${cause}\` |`, cause);
});

t.test('the README starts with the command that runs the service and the one that tests it', async (t) => {
  const firstBlock = readme.split('```')[1];
  t.match(firstBlock, 'npm ci && npm start');
  t.match(firstBlock, 'npm test');
});
