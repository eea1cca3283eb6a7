import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

// The settings cronmon takes from sentry-cli's INI files, so sentry-cli users need no new setup.
export interface SentryCliRc {
  token?: string | undefined;
  url?: string | undefined;
  org?: string | undefined;
  project?: string | undefined;
  // [http] proxy_url, as sentry-cli reads it.
  proxy?: string | undefined;
  // Files that contributed, nearest first (for messages).
  files: string[];
  // The file each setting came from (a nearer file may hold some keys, ~/.sentryclirc others).
  sources: Partial<Record<RcKey, string>>;
}

type RcKey = 'token' | 'url' | 'org' | 'project' | 'proxy';

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
    const value = line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
    (sections[current] ??= {})[key] = value;
  }
  return sections;
}

// As sentry-cli does: the nearest .sentryclirc from the working directory upwards wins over
// ~/.sentryclirc, which is always read.
export function loadSentryCliRc(cwd: string, home: string = homedir()): SentryCliRc {
  const files: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, FILE);
    if (existsSync(file) && !files.includes(file)) files.push(file);
    if (dirname(dir) === dir) break;
  }
  const homeFile = join(home, FILE);
  if (existsSync(homeFile) && !files.includes(homeFile)) files.push(homeFile);

  const rc: SentryCliRc = { files: [], sources: {} };
  for (const file of files) {
    let ini: Record<string, Record<string, string>>;
    try {
      ini = parseIni(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    rc.files.push(file);
    const found: Record<RcKey, string | undefined> = {
      token: ini.auth?.token,
      url: ini.defaults?.url,
      org: ini.defaults?.org,
      project: ini.defaults?.project,
      proxy: ini.http?.proxy_url,
    };
    for (const key of ['token', 'url', 'org', 'project', 'proxy'] as const) {
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
