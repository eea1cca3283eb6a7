import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ON_BINARY, cronEnv, runCli } from '../support/cli.js';
import { otherUser } from '../support/other-user.js';

const versionLine = (version: string) => `cronmon ${version} (node ${process.version})\n`;

// bin/cronmon compiles the bundle with a code cache kept in cronmon's cache directory. (The
// single executable has its bytecode built in: no cache, nothing to test there.)
const cacheFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true }).map(String);
  } catch {
    return [];
  }
};

describe.skipIf(ON_BINARY)('the compile cache', () => {
  it('is written by the first run and used by the next', async () => {
    const env = privateEnv();
    const cache = env.CRONMON_CACHE_DIR ?? '';
    expect((await runCli(['--version'], { env })).stdout.toString()).toBe(versionLine('0.1.0'));
    expect(cacheFiles(cache).some((file) => /compiled-|compile-cache/.test(file))).toBe(true);
    expect((await runCli(['--version'], { env })).stdout.toString()).toBe(versionLine('0.1.0'));
  });

  it('ignores a corrupt cache', async () => {
    const env = privateEnv();
    const cache = env.CRONMON_CACHE_DIR ?? '';
    expect((await runCli(['--version'], { env })).code).toBe(0);
    for (const name of cacheFiles(cache).filter((file) => /compiled-.*\.bin$/.test(file))) writeFileSync(join(cache, name), 'not bytecode');
    const result = await runCli(['exec', '--slug', 'x', '-q', '--dry-run', '--', 'sh', '-c', 'echo ran'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('ran\n');
  });

  it('still loads ES module config files', async () => {
    const env = privateEnv({ TZ: 'Europe/Vienna' });
    const dir = join(env.HOME ?? '', 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cronmon.config.mjs'), "export default { monitors: { esm: { schedule: '@daily' } } };\n");
    for (let run = 0; run < 2; run++) {
      const result = await runCli(['exec', '--dry-run', '--dsn', 'http://k1234@127.0.0.1:9/1', '--slug', 'esm', '--', 'true'], { env, cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('"monitor_config":{"schedule":{"type":"crontab","value":"0 0 * * *"},"timezone":"Europe/Vienna"}');
    }
  });

  it('is not used with NODE_DISABLE_COMPILE_CACHE', async () => {
    const env = privateEnv({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect((await runCli(['--version'], { env })).code).toBe(0);
    expect(cacheFiles(env.CRONMON_CACHE_DIR ?? '')).toEqual([]);
  });
});

// What an attacker who can write the cache directory would plant: V8 cached data compiled from
// their own script, padded to the bundle's length (V8 checks no more than that), which prints
// PLANTED when run in place of cronmon.
const BUNDLE = join(CLI, '..', '..', 'dist', 'cronmon.cjs');
function plantCache(file: string, bundle = BUNDLE): void {
  const craft = `
    const fs = require('node:fs'), vm = require('node:vm'), Module = require('node:module');
    const [bundle, out] = process.argv.slice(1);
    const payload = "process.stdout.write('PLANTED\\\\n'); process.exit(0);";
    const script = new vm.Script(Module.wrap(payload.padEnd(fs.readFileSync(bundle, 'utf8').length)), { filename: bundle });
    fs.writeFileSync(out, script.createCachedData(), { mode: 0o600 });`;
  const made = spawnSync(process.execPath, ['-e', craft, bundle, file], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
}

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function privateEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cronEnv(extra);
  created.push(env.HOME ?? '');
  return env;
}
const version = async (env: NodeJS.ProcessEnv) => (await runCli(['--version'], { env })).stdout.toString();
const cachedFile = (dir: string): string => {
  const names = readdirSync(dir).filter((name) => name.startsWith('compiled-'));
  expect(names).toHaveLength(1);
  return join(dir, names[0] ?? '');
};

// Node 22.1+ uses Node's own compile cache (module.enableCompileCache), whose files differ.
const nodeCodeCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache !== 'function';
const NODE_20_ONLY = 'the planted file is V8 cached data as bin/cronmon uses it on Node 20';

// bin/cronmon's code cache is Node's: the single executable has none.
describe.skipIf(ON_BINARY)('the compile cache trusts only what the user alone can write', () => {
  it('runs a cache file only from a private directory: a planted one from any other never runs', async (context) => {
    context.skip(!nodeCodeCache, NODE_20_ONLY);
    const env = privateEnv();
    const cache = env.CRONMON_CACHE_DIR ?? '';
    expect(await version(env)).toBe(versionLine('0.1.0'));
    const file = cachedFile(cache);
    plantCache(file);
    // In the user's own directory, the file is theirs to have written: it runs. (This shows
    // the planted file would run, so that the cases below test something.)
    expect(await version(env)).toBe('PLANTED\n');
    for (const mode of [0o777, 0o1777, 0o770, 0o720]) {
      chmodSync(cache, mode);
      expect(await version(env), `directory mode ${mode.toString(8)}`).toBe(versionLine('0.1.0'));
    }
    chmodSync(cache, 0o700);
    chmodSync(file, 0o666);
    expect(await version(env), 'a file others can write').toBe(versionLine('0.1.0'));
    chmodSync(file, 0o600);
    const nobody = otherUser(context);
    chownSync(cache, nobody.uid, nobody.gid);
    expect(await version(env), "another user's directory").toBe(versionLine('0.1.0'));
    chownSync(cache, 0, 0);
    chownSync(file, nobody.uid, nobody.gid);
    expect(await version(env), "another user's file").toBe(versionLine('0.1.0'));
  });

  it('writes nothing into a directory others can write', async () => {
    const env = privateEnv();
    const cache = env.CRONMON_CACHE_DIR ?? '';
    mkdirSync(cache, { mode: 0o777 });
    chmodSync(cache, 0o777);
    expect(await version(env)).toBe(versionLine('0.1.0'));
    expect(readdirSync(cache)).toEqual([]);
  });

  it('creates its directory private', async () => {
    const env = privateEnv();
    const cache = join(env.CRONMON_CACHE_DIR ?? '', 'deeper');
    expect(await version({ ...env, CRONMON_CACHE_DIR: cache })).toBe(versionLine('0.1.0'));
    expect(lstatSync(cache).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(cache, '..')).mode & 0o777).toBe(0o700);
  });

  it('never uses a cache made for another bundle of the same length', async () => {
    // A copy of the package whose bundle changes in place, as an upgrade or rebuild would.
    const root = mkdtempSync(join(tmpdir(), 'cronmon-pkg-'));
    created.push(root);
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'dist'));
    copyFileSync(CLI, join(root, 'bin', 'cronmon'));
    copyFileSync(join(CLI, '..', 'package.json'), join(root, 'bin', 'package.json'));
    const bundle = join(root, 'dist', 'cronmon.cjs');
    copyFileSync(BUNDLE, bundle);
    const env = privateEnv();
    const run = () => spawnSync(process.execPath, [join(root, 'bin', 'cronmon'), '--version'], { env, encoding: 'utf8' }).stdout;
    expect(run()).toBe(versionLine('0.1.0'));
    expect(run()).toBe(versionLine('0.1.0'));
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('"0.1.0"');
    writeFileSync(bundle, text.replace('"0.1.0"', '"0.1.9"'));
    expect(run()).toBe(versionLine('0.1.9'));
  });

  it('never writes through a symlink planted at its temp path', async (context) => {
    context.skip(!nodeCodeCache, NODE_20_ONLY);
    const env = privateEnv();
    const cache = env.CRONMON_CACHE_DIR ?? '';
    expect(await version(env)).toBe(versionLine('0.1.0'));
    const file = cachedFile(cache);
    unlinkSync(file);
    const victim = join(env.HOME ?? '', 'victim');
    writeFileSync(victim, 'precious\n');
    // The temp file is `<cache file>.<pid>`; `exec` keeps the shell's pid for cronmon.
    const run = spawnSync('sh', ['-c', 'ln -s "$1" "$2.$$" && exec "$3" "$4" --version', 'sh', victim, file, process.execPath, CLI], { env, encoding: 'utf8' });
    expect(run.stdout).toBe(versionLine('0.1.0'));
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });
});
