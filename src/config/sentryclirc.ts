import { homedir } from 'node:os';
import { join } from 'node:path';
import { searchDirs } from './config-search.js';
import { readFoundFile, type Warn } from './trusted-file.js';

// The settings cronmon takes from sentry-cli's INI files, so sentry-cli users need no new setup.
export interface SentryCliRc {
  token?: string | undefined;
  url?: string | undefined;
  org?: string | undefined;
  project?: string | undefined;
  // [http] proxy_url, as sentry-cli reads it.
  proxy?: string | undefined;
  // [auth] dsn, as Sentry's docs for sentry-cli monitors show it.
  dsn?: string | undefined;
  // Files that contributed, nearest first (for messages).
  files: string[];
  // The file each setting came from (a nearer file may hold some keys, ~/.sentryclirc others).
  sources: Partial<Record<RcKey, string>>;
}

type RcKey = 'token' | 'url' | 'org' | 'project' | 'proxy' | 'dsn';

const FILE = '.sentryclirc';

// Minimal INI: [section], key = value, ; and # comments. Quotes around a value are removed.
export function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      current = (section[1] ?? '').trim().toLowerCase();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line
      .slice(eq + 1)
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2');
    (sections[current] ??= {})[key] = value;
  }
  return sections;
}

// As sentry-cli does: the nearest .sentryclirc from the working directory upwards wins over
// ~/.sentryclirc, which is always read. Unlike sentry-cli, the search stops where cronmon's
// config search does (home, the repository root), and skips a file someone else may have put
// there (a warning each, see trusted-file.ts): it would get the auth token sent to its server.
export function loadSentryCliRc(cwd: string, home: string = homedir(), warn: Warn = () => {}): SentryCliRc {
  const files = [...new Set([...searchDirs(cwd, home), home].map((dir) => join(dir, FILE)))];
  const rc: SentryCliRc = { files: [], sources: {} };
  for (const file of files) {
    const text = readFoundFile(file, 'sentry-cli config', warn);
    if (text === undefined) continue;
    const ini = parseIni(text);
    rc.files.push(file);
    const found: Record<RcKey, string | undefined> = {
      token: ini.auth?.token,
      url: ini.defaults?.url,
      org: ini.defaults?.org,
      project: ini.defaults?.project,
      proxy: ini.http?.proxy_url,
      dsn: ini.auth?.dsn,
    };
    for (const key of ['token', 'url', 'org', 'project', 'proxy', 'dsn'] as const) {
      const value = nonEmpty(found[key]);
      if (rc[key] === undefined && value !== undefined) {
        rc[key] = value;
        rc.sources[key] = file;
      }
    }
  }
  return rc;
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
