import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliCommand } from '../support/cli.js';

// completions/ ships with the package: it must be what the built CLI generates, so that a new
// command or option fails `npm test` until `npm run completions` has been run and committed.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'completions.mjs');
const FILES = { bash: 'completions/cronmon.bash', zsh: 'completions/_cronmon', fish: 'completions/cronmon.fish' } as const;

const generated = (shell: string): string => {
  const [file, ...args] = cliCommand(['completion', shell]);
  const result = spawnSync(file, args, { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout;
};
const read = (path: string): string => {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return `(${path} is missing)`;
  }
};
const script = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });

describe('completions/', () => {
  for (const [shell, path] of Object.entries(FILES)) {
    it(`${path} is up to date (else: npm run completions)`, () => {
      expect(read(path), `${path} is stale: run npm run completions and commit it`).toBe(generated(shell));
    });
  }

  it('npm run completions:check agrees', () => {
    const result = script('--check');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('--check fails on a stale file and names it; without --check the files are rewritten', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cronmon-completions-'));
    try {
      writeFileSync(join(dir, 'cronmon.fish'), '# old\n');
      const stale = script('--check', '--dir', dir);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain(join(dir, 'cronmon.fish'));
      expect(readFileSync(join(dir, 'cronmon.fish'), 'utf8')).toBe('# old\n');
      expect(script('--dir', dir).status).toBe(0);
      expect(readFileSync(join(dir, '_cronmon'), 'utf8')).toBe(generated('zsh'));
      expect(script('--check', '--dir', dir).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
