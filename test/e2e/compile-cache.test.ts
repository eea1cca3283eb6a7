import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ON_BINARY, cronEnv, runCli } from '../support/cli.js';

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
    const env = cronEnv();
    const cache = env.CRONMON_CACHE_DIR ?? '';
    expect((await runCli(['--version'], { env })).stdout.toString()).toBe(`cronmon 0.1.0 (node ${process.version})\n`);
    expect(cacheFiles(cache).some((file) => /compiled-|compile-cache/.test(file))).toBe(true);
    expect((await runCli(['--version'], { env })).stdout.toString()).toBe(`cronmon 0.1.0 (node ${process.version})\n`);
  });

  it('ignores a corrupt cache', async () => {
    const env = cronEnv();
    const cache = env.CRONMON_CACHE_DIR ?? '';
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, `compiled-${process.version}-${process.arch}.bin`), 'not bytecode');
    const result = await runCli(['exec', '--slug', 'x', '-q', '--dry-run', '--', 'sh', '-c', 'echo ran'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('ran\n');
  });

  it('still loads ES module config files', async () => {
    const env = cronEnv();
    const dir = join(env.HOME ?? '', 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cronmon.config.mjs'), "export default { monitors: { esm: { schedule: '@daily' } } };\n");
    for (let run = 0; run < 2; run++) {
      const result = await runCli(['exec', '--dry-run', '--dsn', 'http://k1234@127.0.0.1:9/1', '--slug', 'esm', '--', 'true'], { env, cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('"monitor_config":{"schedule":{"type":"crontab","value":"0 0 * * *"}}');
    }
  });

  it('is not used with NODE_DISABLE_COMPILE_CACHE', async () => {
    const env = cronEnv({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect((await runCli(['--version'], { env })).code).toBe(0);
    expect(cacheFiles(env.CRONMON_CACHE_DIR ?? '')).toEqual([]);
  });
});
