import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSentryCliRc, parseIni } from '../../src/config/sentryclirc.js';
import { tempProject } from './temp-project.js';

describe('parseIni', () => {
  it('reads sections, keys and values', () => {
    expect(parseIni('[auth]\ntoken=abc\n\n[defaults]\nurl = https://sentry.example.com/\norg=acme\nproject = jobs\n')).toEqual({
      auth: { token: 'abc' },
      defaults: { url: 'https://sentry.example.com/', org: 'acme', project: 'jobs' },
    });
  });

  it('skips ; and # comment lines, blank lines and lines without =', () => {
    const text = '; sentry-cli config\n# another comment\n[auth]\n  ; token=commented\n# token=commented too\njust words\ntoken = real\n';
    expect(parseIni(text)).toEqual({ auth: { token: 'real' } });
  });

  it('handles CRLF, surrounding whitespace and case of sections and keys', () => {
    expect(parseIni('  [ Auth ]  \r\n  TOKEN  =  abc  \r\n')).toEqual({ auth: { token: 'abc' } });
  });

  it('keeps = inside values and strips one pair of matching quotes', () => {
    expect(parseIni('[auth]\ntoken=a=b==\n[defaults]\norg="acme"\nproject=\'jobs\'\nurl="half\n')).toEqual({
      auth: { token: 'a=b==' },
      defaults: { org: 'acme', project: 'jobs', url: '"half' },
    });
  });

  it('puts keys before any section in the "" section, and the last duplicate wins', () => {
    expect(parseIni('token=top\n[auth]\ntoken=one\ntoken=two\n')).toEqual({ '': { token: 'top' }, auth: { token: 'two' } });
  });
});

describe('loadSentryCliRc', () => {
  it('finds nothing when there is no file', () => {
    const t = tempProject();
    expect(loadSentryCliRc(t.project, t.home)).toEqual({ files: [], sources: {} });
  });

  it('reads [auth] token and [defaults] url, org, project from the working directory', () => {
    const t = tempProject();
    const file = t.write('project/.sentryclirc', '[auth]\ntoken = sntrys_abc\n[defaults]\nurl = https://sentry.example.com/\norg = acme\nproject = jobs\n');
    expect(loadSentryCliRc(t.project, t.home)).toMatchObject({
      token: 'sntrys_abc',
      url: 'https://sentry.example.com/',
      org: 'acme',
      project: 'jobs',
      files: [file],
    });
  });

  it('reads [http] proxy_url, as sentry-cli does, and says which file it came from', () => {
    const t = tempProject();
    const file = t.write('home/.sentryclirc', '[http]\nproxy_url = http://user:pw@proxy.corp:3128\n');
    expect(loadSentryCliRc(t.project, t.home)).toMatchObject({ proxy: 'http://user:pw@proxy.corp:3128', sources: { proxy: file } });
  });

  it('ignores keys in other sections', () => {
    const t = tempProject();
    t.write('project/.sentryclirc', 'token=top\n[defaults]\ntoken=wrong-section\n[auth]\norg=wrong-section\n');
    const rc = loadSentryCliRc(t.project, t.home);
    expect(rc.token).toBeUndefined();
    expect(rc.org).toBeUndefined();
  });

  it('is found upwards from the working directory', () => {
    const t = tempProject();
    const file = t.write('project/.sentryclirc', '[defaults]\norg = acme\n');
    const cwd = join(t.project, 'jobs', 'nightly');
    mkdirSync(cwd, { recursive: true });
    expect(loadSentryCliRc(cwd, t.home)).toMatchObject({ org: 'acme', files: [file] });
  });

  it('is found in the home directory', () => {
    const t = tempProject();
    const file = t.write('home/.sentryclirc', '[auth]\ntoken = from-home\n');
    expect(loadSentryCliRc(t.project, t.home)).toMatchObject({ token: 'from-home', files: [file] });
  });

  it('lets the nearest file win key by key, falling back to farther files and then home', () => {
    const t = tempProject();
    const home = t.write(
      'home/.sentryclirc',
      '[auth]\ntoken = home-token\n[defaults]\norg = home-org\nproject = home-project\nurl = https://home.example.com/\n',
    );
    const outer = t.write('project/.sentryclirc', '[defaults]\norg = outer-org\nproject = outer-project\n');
    const inner = t.write('project/app/.sentryclirc', '[defaults]\nproject = inner-project\n');
    const rc = loadSentryCliRc(join(t.project, 'app'), t.home);
    expect(rc).toMatchObject({ token: 'home-token', url: 'https://home.example.com/', org: 'outer-org', project: 'inner-project' });
    expect(rc.files).toEqual([inner, outer, home]);
    expect(rc.sources).toEqual({ token: home, url: home, org: outer, project: inner });
  });

  it('treats an empty value as unset', () => {
    const t = tempProject();
    t.write('project/.sentryclirc', '[auth]\ntoken =\n[defaults]\norg = ""\n');
    t.write('home/.sentryclirc', '[auth]\ntoken = home-token\n[defaults]\norg = home-org\n');
    expect(loadSentryCliRc(t.project, t.home)).toMatchObject({ token: 'home-token', org: 'home-org' });
  });

  it('reads the home file once when home is also an ancestor of the working directory', () => {
    const t = tempProject();
    const file = t.write('home/.sentryclirc', '[defaults]\norg = acme\n');
    const cwd = join(t.home, 'work');
    mkdirSync(cwd);
    expect(loadSentryCliRc(cwd, t.home).files).toEqual([file]);
  });

  it('skips a .sentryclirc it cannot read', () => {
    const t = tempProject();
    mkdirSync(join(t.project, '.sentryclirc'));
    const home = t.write('home/.sentryclirc', '[defaults]\norg = acme\n');
    expect(loadSentryCliRc(t.project, t.home)).toMatchObject({ org: 'acme', files: [home] });
  });
});
