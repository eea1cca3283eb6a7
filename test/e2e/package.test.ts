import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cronEnv } from '../support/cli.js';
import { makeTempDir } from '../support/temp-dirs.js';

// The npm package as a user gets it: packed from a fresh checkout (no dist/: `prepack` builds
// it), then installed globally into an empty prefix. The bundle holds every package cronmon
// uses, so the install adds cronmon and nothing else.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const inGit = existsSync(join(ROOT, '.git'));
if (!inGit) console.warn('not a git checkout: the npm package test needs one to copy from');

// What a clone holds: the files git knows of and new ones it does not ignore.
function freshCheckout(into: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((name) => name !== '' && existsSync(join(ROOT, name)))) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(into, file));
  }
  // The tools `npm ci` would install (esbuild for the build).
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'));
}

describe.skipIf(!inGit)('the npm package', () => {
  it('is built by npm pack, depends on nothing, ships the licences it bundles, and runs once installed with npm install -g', { timeout: 120_000 }, () => {
    const work = makeTempDir('cronmon-pack-');
    const checkout = join(work, 'checkout');
    freshCheckout(checkout);
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
    // npm's cache and logs stay in the temporary directory; nothing is fetched.
    // npm's own temporary files too (on Node 22 and later its compile cache, $TMPDIR/node-compile-cache) stay in this test's directory.
    const env = {
      ...process.env,
      TMPDIR: work,
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };

    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: checkout, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as [{ filename: string; files: { path: string }[] }];
    const files = packed[0].files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/cronmon',
        'dist/cronmon.cjs',
        'dist/THIRD-PARTY-NOTICES',
        'completions/cronmon.bash',
        'README.md',
        'LICENSE',
        'package.json',
      ]),
    );
    expect(files.filter((file) => /^(src|test|scripts)\//.test(file))).toEqual([]);

    const prefix = join(work, 'prefix');
    execFileSync('npm', ['install', '--global', '--offline', '--prefix', prefix, join(work, packed[0].filename)], { cwd: work, env, stdio: 'ignore' });
    const installed = join(prefix, 'lib', 'node_modules');
    expect(readdirSync(installed)).toEqual(['cronmon']);
    expect(existsSync(join(installed, 'cronmon', 'node_modules'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(installed, 'cronmon', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();

    // Every package in the bundle has its licence beside it, and only those.
    const notices = readFileSync(join(installed, 'cronmon', 'dist', 'THIRD-PARTY-NOTICES'), 'utf8');
    for (const name of ['commander', 'chalk', 'cosmiconfig', 'croner', '@sentry/core', 'js-yaml'])
      expect(notices).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+ \\(MIT\\)$`, 'm'));
    expect(notices).not.toMatch(/^(vitest|esbuild|typescript) /m);
    expect(notices).toContain('Permission is hereby granted, free of charge');

    expect(execFileSync(join(prefix, 'bin', 'cronmon'), ['--version'], { env: cronEnv(), encoding: 'utf8' })).toBe(
      `cronmon ${version} (node ${process.version})\n`,
    );
  });
});
