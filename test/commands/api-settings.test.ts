import { describe, expect, it } from 'vitest';
import { DEFAULT_URL, requireSettings, resolveApiSettings, type ApiSettings } from '../../src/commands/api-settings.js';
import { CronmonError } from '../../src/util/errors.js';
import { tempProject, type TempProject } from '../config/temp-project.js';

// Every level set, each to a value naming its level; a test then removes levels from the top.
function allLevels(t: TempProject) {
  const rc = t.write('home/.sentryclirc', '[auth]\ntoken = rc-token\n[defaults]\nurl = https://rc.example.com/\norg = rc-org\nproject = rc-project\n');
  const file = t.write('project/cronmon.config.json', { url: 'https://file.example.com/', org: 'file-org', project: 'file-project' });
  const flags = { authToken: 'flag-token', org: 'flag-org', project: 'flag-project', url: 'https://flag.example.com/' };
  const env = t.env({ SENTRY_AUTH_TOKEN: 'env-token', SENTRY_ORG: 'env-org', SENTRY_PROJECT: 'env-project', SENTRY_URL: 'https://env.example.com/' });
  return { rc, file, flags, env };
}

const values = (settings: ApiSettings) => ({
  token: settings.token?.value,
  org: settings.org?.value,
  project: settings.project?.value,
  url: settings.url,
});

describe('resolveApiSettings precedence: flag > environment > config file > .sentryclirc > default', () => {
  it('a flag beats everything', async () => {
    const t = tempProject();
    const { flags, env } = allLevels(t);
    const settings = await resolveApiSettings(flags, env, false, t.project);
    expect(values(settings)).toEqual({ token: 'flag-token', org: 'flag-org', project: 'flag-project', url: 'https://flag.example.com/' });
    expect(settings.token?.source).toBe('--auth-token');
    expect(settings.org?.source).toBe('--org');
    expect(settings.project?.source).toBe('--project');
  });

  it('the environment beats the config file and .sentryclirc', async () => {
    const t = tempProject();
    const { env } = allLevels(t);
    const settings = await resolveApiSettings({}, env, false, t.project);
    expect(values(settings)).toEqual({ token: 'env-token', org: 'env-org', project: 'env-project', url: 'https://env.example.com/' });
    expect(settings.token?.source).toBe('SENTRY_AUTH_TOKEN');
    expect(settings.org?.source).toBe('SENTRY_ORG');
    expect(settings.project?.source).toBe('SENTRY_PROJECT');
  });

  it('the config file beats .sentryclirc (the token never comes from the config file)', async () => {
    const t = tempProject();
    const { file } = allLevels(t);
    const settings = await resolveApiSettings({}, t.env(), false, t.project);
    expect(values(settings)).toEqual({ token: 'rc-token', org: 'file-org', project: 'file-project', url: 'https://file.example.com/' });
    expect(settings.org?.source).toBe(`${file} (org)`);
    expect(settings.project?.source).toBe(`${file} (project)`);
    expect(settings.config?.file).toBe(file);
  });

  it('.sentryclirc beats the default', async () => {
    const t = tempProject();
    const rc = t.write('home/.sentryclirc', '[auth]\ntoken = rc-token\n[defaults]\nurl = https://rc.example.com/\norg = rc-org\nproject = rc-project\n');
    const settings = await resolveApiSettings({}, t.env(), false, t.project);
    expect(values(settings)).toEqual({ token: 'rc-token', org: 'rc-org', project: 'rc-project', url: 'https://rc.example.com/' });
    expect(settings.token?.source).toBe(`${rc} ([auth] token)`);
    expect(settings.org?.source).toBe(`${rc} ([defaults] org)`);
    expect(settings.config).toBeUndefined();
  });

  it('with nothing set: no token, org or project, and the sentry.io URL', async () => {
    const t = tempProject();
    const settings = await resolveApiSettings({}, t.env(), false, t.project);
    expect(values(settings)).toEqual({ token: undefined, org: undefined, project: undefined, url: 'https://sentry.io/' });
    expect(DEFAULT_URL).toBe('https://sentry.io/');
  });

  it('treats empty flags and variables as unset', async () => {
    const t = tempProject();
    allLevels(t);
    const env = t.env({ SENTRY_AUTH_TOKEN: '', SENTRY_ORG: '', SENTRY_PROJECT: '', SENTRY_URL: '' });
    const settings = await resolveApiSettings({ authToken: '', org: '', project: '', url: '' }, env, false, t.project);
    expect(values(settings)).toEqual({ token: 'rc-token', org: 'file-org', project: 'file-project', url: 'https://file.example.com/' });
  });

  it('mixes levels key by key', async () => {
    const t = tempProject();
    t.write('home/.sentryclirc', '[auth]\ntoken = rc-token\n[defaults]\nproject = rc-project\n');
    t.write('project/.cronmonrc.yaml', 'org: file-org\n');
    const settings = await resolveApiSettings({ url: 'https://flag.example.com/' }, t.env({ SENTRY_AUTH_TOKEN: 'env-token' }), false, t.project);
    expect(values(settings)).toEqual({ token: 'env-token', org: 'file-org', project: 'rc-project', url: 'https://flag.example.com/' });
  });

  it('reads .sentryclirc upwards from cwd and from HOME, naming the file each value came from', async () => {
    const t = tempProject();
    const near = t.write('project/.sentryclirc', '[defaults]\norg = near-org\n');
    const home = t.write('home/.sentryclirc', '[auth]\ntoken = home-token\n[defaults]\norg = home-org\nproject = home-project\n');
    const settings = await resolveApiSettings({}, t.env(), false, `${t.project}/jobs`);
    expect(values(settings)).toMatchObject({ token: 'home-token', org: 'near-org', project: 'home-project' });
    expect(settings.org?.source).toBe(`${near} ([defaults] org)`);
    expect(settings.token?.source).toBe(`${home} ([auth] token)`);
    expect(settings.project?.source).toBe(`${home} ([defaults] project)`);
  });

  it('takes the config file from --config, then CRONMON_CONFIG', async () => {
    const t = tempProject();
    const a = t.write('a.json', { org: 'org-a' });
    const b = t.write('b.json', { org: 'org-b' });
    t.write('project/cronmon.config.json', { org: 'searched' });
    expect((await resolveApiSettings({ config: a }, t.env({ CRONMON_CONFIG: b }), false, t.project)).org?.value).toBe('org-a');
    expect((await resolveApiSettings({}, t.env({ CRONMON_CONFIG: b }), false, t.project)).org?.value).toBe('org-b');
    expect((await resolveApiSettings({}, t.env(), false, t.project)).org?.value).toBe('searched');
  });

  it('refuses a token in the config file (config files get committed)', async () => {
    const t = tempProject();
    const file = t.write('project/cronmon.config.json', { token: 'sntrys_secret' });
    await expect(resolveApiSettings({}, t.env(), false, t.project)).rejects.toMatchObject({
      code: 'config',
      exitCode: 2,
      message: `${file}: token is not a known key (expected one of: dsn, environment, org, project, url, proxy, headers, serverName, monitors)`,
    });
  });

  it('passes config file errors on as exit-2 errors', async () => {
    const t = tempProject();
    const file = t.write('project/.cronmonrc.yaml', 'org: [acme\n');
    const error: unknown = await resolveApiSettings({}, t.env(), false, t.project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CronmonError);
    expect((error as CronmonError).exitCode).toBe(2);
    expect((error as CronmonError).message).toContain(file);
  });
});

describe('requireSettings', () => {
  it('returns the values when all are set', async () => {
    const t = tempProject();
    const settings = await resolveApiSettings({ authToken: 'tok', org: 'acme', project: 'jobs' }, t.env(), false, t.project);
    expect(requireSettings(settings, ['token', 'org', 'project'])).toEqual({ token: 'tok', org: 'acme', project: 'jobs' });
  });

  it('names everything missing and where to set it, with exit 2', async () => {
    const t = tempProject();
    const settings = await resolveApiSettings({ org: 'acme' }, t.env(), false, t.project);
    let caught: unknown;
    try {
      requireSettings(settings, ['token', 'org', 'project'], ' (for monitors list)');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CronmonError);
    const error = caught as CronmonError;
    expect(error.code).toBe('missing-setting');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'this needs an auth token: set --auth-token, SENTRY_AUTH_TOKEN, or [auth] token in .sentryclirc; and a project: set --project, SENTRY_PROJECT, project in the config file, or [defaults] project in .sentryclirc (for monitors list)',
    );
    expect(error.message).not.toContain('organization');
  });
});
