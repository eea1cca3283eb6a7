import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSlugs } from '../../src/completion/slugs.js';
import { tempProject } from '../config/temp-project.js';

const MONITORS = { monitors: { 'nightly-backup': { schedule: '0 3 * * *' }, 'Hourly Sync': { interval: '1 hour' } } };

// A JavaScript config that leaves a trace when it is run.
const codeConfig = (marker: string) =>
  `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default ${JSON.stringify(MONITORS)};\n`;

describe('configSlugs (cronmon completion --slugs)', () => {
  it('lists the normalised slugs of the config file cronmon would find, sorted', async () => {
    const t = tempProject();
    t.write('project/cronmon.config.json', MONITORS);
    expect(await configSlugs({ cwd: t.project, env: t.env() })).toEqual(['hourly-sync', 'nightly-backup']);
  });

  it('reads YAML, package.json and parent directories as the search does', async () => {
    const yaml = tempProject();
    yaml.write('project/.cronmonrc.yaml', 'monitors:\n  disk-check:\n    schedule: "*/5 * * * *"\n');
    expect(await configSlugs({ cwd: yaml.project, env: yaml.env() })).toEqual(['disk-check']);

    const pkg = tempProject();
    pkg.write('project/package.json', { name: 'x', cronmon: { monitors: { deploy: { interval: '1 day' } } } });
    pkg.write('project/sub/dir/.keep', '');
    expect(await configSlugs({ cwd: join(pkg.project, 'sub', 'dir'), env: pkg.env() })).toEqual(['deploy']);
  });

  it('uses an explicit file (--config on the line, CRONMON_CONFIG) relative to the working directory', async () => {
    const t = tempProject();
    t.write('project/conf/monitors.json', MONITORS);
    expect(await configSlugs({ explicit: 'conf/monitors.json', cwd: t.project, env: t.env() })).toEqual(['hourly-sync', 'nightly-backup']);
    expect(await configSlugs({ explicit: 'conf/missing.json', cwd: t.project, env: t.env() })).toEqual([]);
  });

  it('never runs a JavaScript config, found or given', async () => {
    const t = tempProject();
    const marker = join(t.root, 'ran');
    t.write('project/cronmon.config.mjs', codeConfig(marker));
    expect(await configSlugs({ cwd: t.project, env: t.env() })).toEqual([]);
    expect(await configSlugs({ explicit: 'cronmon.config.mjs', cwd: t.project, env: t.env() })).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it("never runs cosmiconfig's own meta config either (cronmon reads none)", async () => {
    const t = tempProject();
    const marker = join(t.root, 'ran');
    t.write('project/cronmon.config.json', MONITORS);
    t.write('project/.config/config.js', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = {};`);
    expect(await configSlugs({ cwd: t.project, env: t.env() })).toEqual(['hourly-sync', 'nightly-backup']);
    expect(existsSync(marker)).toBe(false);
  });

  it('is empty, never throwing, without a config, without monitors, or with a broken one', async () => {
    const none = tempProject();
    expect(await configSlugs({ cwd: none.project, env: none.env() })).toEqual([]);
    const bare = tempProject();
    bare.write('project/cronmon.config.json', { dsn: 'https://k@o1.ingest.sentry.io/1' });
    expect(await configSlugs({ cwd: bare.project, env: bare.env() })).toEqual([]);
    const unknownKey = tempProject();
    unknownKey.write('project/cronmon.config.json', { ...MONITORS, colour: 'red' });
    expect(await configSlugs({ cwd: unknownKey.project, env: unknownKey.env() })).toEqual([]);
    const malformed = tempProject();
    malformed.write('project/cronmon.config.json', '{"monitors": {');
    expect(await configSlugs({ cwd: malformed.project, env: malformed.env() })).toEqual([]);
  });
});
