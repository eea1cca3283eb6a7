import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, GLOBAL_PLACES, globalConfigDir, SEARCH_PLACES } from '../../src/config/config-search.js';
import { tempProject } from './temp-project.js';

const configMayExist = (cwd: string, env: NodeJS.ProcessEnv, home: string) => findConfigFile(cwd, env, () => {}, home) !== undefined;

describe('findConfigFile', () => {
  it('is false when no config file exists', () => {
    const t = tempProject();
    expect(configMayExist(t.project, t.env(), t.home)).toBe(false);
  });

  for (const place of SEARCH_PLACES.filter((p) => p !== 'package.json')) {
    it(`finds ${place}`, () => {
      const t = tempProject();
      t.write(`project/${place}`, '{}');
      expect(configMayExist(t.project, t.env(), t.home)).toBe(true);
    });
  }

  it('counts package.json only when it has a "cronmon" key', () => {
    const t = tempProject();
    t.write('project/package.json', { name: 'job', version: '1.0.0' });
    expect(configMayExist(t.project, t.env(), t.home)).toBe(false);
    t.write('project/package.json', { name: 'job', cronmon: { org: 'acme' } });
    expect(configMayExist(t.project, t.env(), t.home)).toBe(true);
    t.write('project/package.json', '{ not json');
    expect(configMayExist(t.project, t.env(), t.home)).toBe(false);
  });

  it('looks upwards from a subdirectory', () => {
    const t = tempProject();
    t.write('project/cronmon.config.json', '{}');
    expect(configMayExist(join(t.project, 'jobs', 'nightly'), t.env(), t.home)).toBe(true);
  });

  it('stops at the home directory (a file above home is not searched)', () => {
    const t = tempProject();
    t.write('cronmon.config.json', '{}');
    const cwd = join(t.home, 'jobs');
    expect(configMayExist(cwd, t.env(), t.home)).toBe(false);
    t.write('home/.cronmonrc.yaml', 'org: acme\n');
    expect(configMayExist(cwd, t.env(), t.home)).toBe(true);
  });

  it('finds the global config in XDG_CONFIG_HOME/cronmon', () => {
    const t = tempProject();
    const env = t.env({ XDG_CONFIG_HOME: join(t.root, 'xdg') });
    expect(configMayExist(t.project, env, t.home)).toBe(false);
    t.write(`xdg/cronmon/${GLOBAL_PLACES[0]}`, 'org: acme\n');
    expect(configMayExist(t.project, env, t.home)).toBe(true);
  });
});

describe('globalConfigDir', () => {
  it('uses XDG_CONFIG_HOME, else ~/.config', () => {
    expect(globalConfigDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/cronmon');
    expect(globalConfigDir({}, '/home/u')).toBe('/home/u/.config/cronmon');
    expect(globalConfigDir({ XDG_CONFIG_HOME: '' }, '/home/u')).toBe('/home/u/.config/cronmon');
  });
});

describe('SEARCH_PLACES', () => {
  it('covers the formats the CLI contract names', () => {
    for (const place of [
      'package.json',
      '.cronmonrc',
      '.cronmonrc.json',
      '.cronmonrc.yaml',
      'cronmon.config.js',
      'cronmon.config.mjs',
      'cronmon.config.json',
      'cronmon.config.yaml',
    ]) {
      expect(SEARCH_PLACES).toContain(place);
    }
  });
});
