import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { CronmonError } from '../../src/util/errors.js';
import { tempProject } from './temp-project.js';

async function configErrorOf(run: () => Promise<unknown>): Promise<CronmonError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(CronmonError);
    const cronmonError = error as CronmonError;
    expect(cronmonError.code).toBe('config');
    expect(cronmonError.exitCode).toBe(2);
    return cronmonError;
  }
  throw new Error('expected a config error, but nothing was thrown');
}

const MONITOR = { schedule: '0 3 * * *', checkinMargin: 5 };
// Warnings about files outside the test's directory (another user's file in /tmp) are not these tests' business.
const warn = () => {};

describe('loadConfig finds each file format', () => {
  const formats: [string, string][] = [
    ['cronmon.config.json', JSON.stringify({ org: 'acme', monitors: { 'nightly-backup': MONITOR } })],
    ['.cronmonrc.json', JSON.stringify({ org: 'acme', monitors: { 'nightly-backup': MONITOR } })],
    ['.cronmonrc', 'org: acme\nmonitors:\n  nightly-backup:\n    schedule: "0 3 * * *"\n    checkinMargin: 5\n'],
    ['.cronmonrc.yaml', 'org: acme\nmonitors:\n  nightly-backup:\n    schedule: "0 3 * * *"\n    checkinMargin: 5\n'],
    ['.cronmonrc.yml', 'org: acme\nmonitors:\n  nightly-backup: { schedule: "0 3 * * *", checkinMargin: 5 }\n'],
    ['cronmon.config.yaml', '# monitors as code\norg: acme\nmonitors:\n  nightly-backup:\n    schedule: "0 3 * * *"\n    checkinMargin: 5\n'],
    ['cronmon.config.mjs', `export default { org: 'acme', monitors: { 'nightly-backup': ${JSON.stringify(MONITOR)} } };\n`],
    ['cronmon.config.cjs', `module.exports = { org: 'acme', monitors: { 'nightly-backup': ${JSON.stringify(MONITOR)} } };\n`],
    ['.config/cronmonrc.json', JSON.stringify({ org: 'acme', monitors: { 'nightly-backup': MONITOR } })],
    ['package.json', JSON.stringify({ name: 'jobs', version: '1.0.0', cronmon: { org: 'acme', monitors: { 'nightly-backup': MONITOR } } })],
  ];

  for (const [place, content] of formats) {
    it(place, async () => {
      const t = tempProject();
      const file = t.write(`project/${place}`, content);
      const config = await loadConfig({ cwd: t.project, env: t.env(), warn });
      expect(config?.file).toBe(file);
      expect(config?.org).toBe('acme');
      expect(config?.monitors['nightly-backup']).toEqual(MONITOR);
    });
  }

  it('returns undefined when there is no config file', async () => {
    const t = tempProject();
    t.write('project/package.json', { name: 'jobs' });
    expect(await loadConfig({ cwd: t.project, env: t.env(), warn })).toBeUndefined();
  });

  it('looks upwards from a subdirectory, nearest file first', async () => {
    const t = tempProject();
    t.write('cronmon.config.json', { org: 'outer' });
    const outer = await loadConfig({ cwd: join(t.project, 'a', 'b'), env: t.env(), warn });
    expect(outer?.org).toBe('outer');
    const inner = t.write('project/a/.cronmonrc.yaml', 'org: inner\n');
    const nearest = await loadConfig({ cwd: join(t.project, 'a', 'b'), env: t.env(), warn });
    expect(nearest?.org).toBe('inner');
    expect(nearest?.file).toBe(inner);
  });

  it('keys monitors by their normalised slug', async () => {
    const t = tempProject();
    t.write('project/cronmon.config.json', { monitors: { 'Nightly Backup': { interval: '1 day' } } });
    const config = await loadConfig({ cwd: t.project, env: t.env(), warn });
    expect(Object.keys(config?.monitors ?? {})).toEqual(['nightly-backup']);
    expect(config?.monitors['nightly-backup']).toEqual({ interval: '1 day' });
  });
});

describe('loadConfig with an explicit file', () => {
  it('loads it relative to cwd, whatever its name', async () => {
    const t = tempProject();
    const file = t.write('project/conf/monitors.yaml', 'environment: staging\n');
    const config = await loadConfig({ explicit: 'conf/monitors.yaml', cwd: t.project, env: t.env(), warn });
    expect(config?.environment).toBe('staging');
    expect(config?.file).toBe(file);
  });

  it('prefers it over a file the search would find', async () => {
    const t = tempProject();
    t.write('project/cronmon.config.json', { org: 'searched' });
    const explicit = t.write('other.json', { org: 'explicit' });
    expect((await loadConfig({ explicit, cwd: t.project, env: t.env(), warn }))?.org).toBe('explicit');
  });

  it('treats an empty explicit file as an empty config', async () => {
    const t = tempProject();
    const file = t.write('project/empty.yaml', '');
    expect(await loadConfig({ explicit: file, cwd: t.project, env: t.env(), warn })).toEqual({ file, monitors: {} });
  });

  it('says when the file does not exist', async () => {
    const t = tempProject();
    const error = await configErrorOf(() => loadConfig({ explicit: 'missing.json', cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe('cannot read config file missing.json: no such file');
  });

  it('says when the path is a directory', async () => {
    const t = tempProject();
    const error = await configErrorOf(() => loadConfig({ explicit: '.', cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe('cannot read config file .: is a directory');
  });
});

describe('loadConfig refuses malformed files, naming the file and the problem', () => {
  it('malformed JSON', async () => {
    const t = tempProject();
    const file = t.write('project/cronmon.config.json', '{"org": "acme",}');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toContain(`cannot read config file ${file}: `);
    expect(error.message).toMatch(/Expected double-quoted property name in JSON at position 15( \(line 1 column 16\))?$/);
  });

  it('truncated JSON', async () => {
    const t = tempProject();
    const file = t.write('project/.cronmonrc.json', '{"dsn": ');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe(`cannot read config file ${file}: Unexpected end of JSON input`);
  });

  it('never echoes the file content (it may hold a DSN)', async () => {
    const t = tempProject();
    t.write('project/cronmon.config.json', '{"dsn": "https://0123456789abcdef@o1.ingest.sentry.io/42",}');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).not.toContain('0123456789abcdef');
  });

  it('malformed YAML, with line and column', async () => {
    const t = tempProject();
    const file = t.write('project/.cronmonrc.yaml', 'org: acme\norg: again\n');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe(`cannot read config file ${file}: duplicated mapping key (2:1)`);
    expect(error.message).not.toContain('\n');
  });

  it('a JavaScript config that throws', async () => {
    const t = tempProject();
    const file = t.write('project/cronmon.config.mjs', 'throw new Error("no config today");\n');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe(`cannot read config file ${file}: no config today`);
  });

  it('a top level that is not an object', async () => {
    const t = tempProject();
    const file = t.write('project/.cronmonrc.yaml', '- a\n- b\n');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe(`${file}: (top level) must be an object`);
  });

  it('an unknown key', async () => {
    const t = tempProject();
    const file = t.write('project/cronmon.config.json', { org: 'acme', token: 'secret' });
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe(
      `${file}: token is not a known key (expected one of: dsn, environment, org, project, url, proxy, headers, serverName, monitors)`,
    );
  });

  it('an unknown monitor key', async () => {
    const t = tempProject();
    const file = t.write('project/.cronmonrc.yaml', 'monitors:\n  backup:\n    schedule: "@daily"\n    retries: 3\n');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: monitors\\.backup\\.retries is not a known key \\(expected one of: .*schedule`),
    );
  });

  it('a bad value', async () => {
    const t = tempProject();
    const file = t.write('project/package.json', { name: 'jobs', cronmon: { monitors: { backup: { schedule: '@daily', maxRuntime: 20_000 } } } });
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toBe(`${file}: monitors.backup.maxRuntime must be a whole number of minutes from 1 to 10080 (got 20000)`);
  });

  it('a bad crontab', async () => {
    const t = tempProject();
    const file = t.write('project/cronmon.config.yaml', 'monitors:\n  backup:\n    schedule: "@reboot"\n');
    const error = await configErrorOf(() => loadConfig({ cwd: t.project, env: t.env(), warn }));
    expect(error.message).toContain(`${file}: monitors.backup.schedule "@reboot" is not a valid crontab: only @yearly`);
  });
});
