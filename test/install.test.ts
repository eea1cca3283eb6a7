import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// install.sh, run by sh as a user would, against local directories: stand-in builds (scripts
// that name their target), and the real single executable where `npm run build:binary` made it.
const SCRIPT = fileURLToPath(new URL('../install.sh', import.meta.url));
const BUILT = fileURLToPath(new URL(`../build/cronmon-${process.platform}-${process.arch}`, import.meta.url));
const TARGETS = ['linux-x64', 'linux-arm64', 'linux-x64-musl', 'darwin-x64', 'darwin-arm64'];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cronmon-install-'));
  dirs.push(dir);
  return dir;
};
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// A release directory whose builds are scripts printing "cronmon <target>".
function fakeRelease(): string {
  const dir = tempDir();
  const sums = TARGETS.map((target) => {
    const file = join(dir, `cronmon-${target}`);
    writeFileSync(file, `#!/bin/sh\necho "cronmon ${target}"\n`);
    return `${sha256(file)}  cronmon-${target}`;
  });
  writeFileSync(join(dir, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  return dir;
}

// `uname` answering as another machine would, first on PATH.
function machine(system: string, processor: string): NodeJS.ProcessEnv {
  const bin = tempDir();
  writeFileSync(join(bin, 'uname'), `#!/bin/sh\ncase "$1" in -s) echo ${system} ;; -m) echo ${processor} ;; esac\n`);
  chmodSync(join(bin, 'uname'), 0o755);
  return { PATH: `${bin}:/usr/bin:/bin`, HOME: bin };
}

function install(args: string[], env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' }) {
  const result = spawnSync('sh', [SCRIPT, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const run = (file: string) => spawnSync(file, ['--version'], { encoding: 'utf8' }).stdout;

describe('install.sh', () => {
  // Which Linux build fits also depends on the C library of the machine the test runs on.
  const musl = existsSync('/lib') && readdirSync('/lib').some((name) => name.startsWith('ld-musl-'));
  it.each([
    ['Linux', 'x86_64', musl ? 'linux-x64-musl' : 'linux-x64'],
    ...(musl ? [] : [['Linux', 'aarch64', 'linux-arm64']]),
    ['Darwin', 'arm64', 'darwin-arm64'],
    ['Darwin', 'x86_64', 'darwin-x64'],
  ])('picks the build for %s %s', (system, processor, target) => {
    const prefix = tempDir();
    const result = install(['--from', fakeRelease(), '--prefix', prefix], machine(system, processor));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(run(join(prefix, 'bin', 'cronmon'))).toBe(`cronmon ${target}\n`);
    expect(result.stdout).toBe(`installed cronmon ${target} as ${prefix}/bin/cronmon (${target})\n`);
    expect(statSync(join(prefix, 'bin', 'cronmon')).mode & 0o777).toBe(0o755);
  });

  it('names a machine it has no build for, and installs nothing', () => {
    const prefix = tempDir();
    const result = install(['--from', fakeRelease(), '--prefix', prefix], machine('FreeBSD', 'amd64'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('install.sh: no build for FreeBSD amd64; use the npm package (npm install --global cronmon)\n');
    expect(existsSync(join(prefix, 'bin'))).toBe(false);
  });

  it('refuses a build that does not match SHA256SUMS, and keeps the installed one', () => {
    const release = fakeRelease();
    const prefix = tempDir();
    expect(install(['--from', release, '--prefix', prefix, '--target', 'linux-arm64']).code).toBe(0);
    writeFileSync(join(release, 'cronmon-linux-arm64'), '#!/bin/sh\necho tampered\n');
    const result = install(['--from', release, '--prefix', prefix, '--target', 'linux-arm64']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^install\.sh: cronmon-linux-arm64 does not match SHA256SUMS \(expected [0-9a-f]{64}, got [0-9a-f]{64}\): not installed\n$/);
    expect(run(join(prefix, 'bin', 'cronmon'))).toBe('cronmon linux-arm64\n');
    expect(spawnSync('ls', ['-A', join(prefix, 'bin')], { encoding: 'utf8' }).stdout).toBe('cronmon\n');
  });

  it('refuses a build SHA256SUMS does not list', () => {
    const release = fakeRelease();
    writeFileSync(join(release, 'SHA256SUMS'), readFileSync(join(release, 'SHA256SUMS'), 'utf8').replace(/.*cronmon-darwin-x64\n/, ''));
    const result = install(['--from', release, '--prefix', tempDir(), '--target', 'darwin-x64']);
    expect(result).toMatchObject({ code: 1, stderr: 'install.sh: SHA256SUMS lists no cronmon-darwin-x64\n' });
  });

  it('needs a source, takes only https URLs, and rejects what it does not know', () => {
    expect(install([])).toMatchObject({ code: 1, stderr: 'install.sh: say where the binaries are: --from URL|DIR\n' });
    expect(install(['--from', 'http://127.0.0.1:9/x'])).toMatchObject({
      code: 1,
      stderr: 'install.sh: only https:// URLs: a checksum fetched in the clear proves nothing\n',
    });
    expect(install(['--from', fakeRelease(), '--target', 'windows-x64'])).toMatchObject({ code: 1, stderr: 'install.sh: unknown target windows-x64\n' });
    expect(install(['--bogus'])).toMatchObject({ code: 1, stderr: 'install.sh: unknown option --bogus (see --help)\n' });
    expect(install(['--from', join(tempDir(), 'missing')]).stderr).toMatch(/^install\.sh: .*missing\/SHA256SUMS not found\n$/);
  });

  it.runIf(existsSync(BUILT))('installs the real single executable from a directory of builds', () => {
    const release = tempDir();
    const name = `cronmon-${process.platform}-${process.arch}`;
    copyFileSync(BUILT, join(release, name));
    writeFileSync(join(release, 'SHA256SUMS'), `${sha256(BUILT)}  ${name}\n`);
    const prefix = join(tempDir(), 'opt', 'cronmon');
    mkdirSync(prefix, { recursive: true });
    const result = install(['--from', release, '--prefix', prefix]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(run(join(prefix, 'bin', 'cronmon'))).toMatch(/^cronmon 0\.1\.0 \(bun \d+\.\d+\.\d+\)\n$/);
  });
});
