import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { cronEnv } from './cli.js';

// Temp dirs for the `cronmon crontab` tests of one file, all removed after it: tempDir() makes
// one; env() is cronEnv() with TZ=UTC, so that the CLI adds no --timezone of the machine it runs
// on, and its HOME is removed too.
export function crontabTestDirs(prefix: string) {
  const created: string[] = [];
  afterAll(() => {
    for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    created.push(dir);
    return dir;
  };
  const env = (extra: Record<string, string> = {}) => {
    const result = cronEnv({ TZ: 'UTC', ...extra });
    created.push(result.HOME ?? '');
    return result;
  };
  return { tempDir, env };
}
