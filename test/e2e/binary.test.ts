import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';
import { makeTempDir } from '../support/temp-dirs.js';

// The single executable (`npm run build:binary`), copied alone into an empty directory and run
// with no node on PATH: what a server without Node gets.
const BUILT = fileURLToPath(new URL('../../build/cronmon', import.meta.url));
const built = existsSync(BUILT);
if (!built) console.warn('build/cronmon not found: run `npm run build:binary` to test the single executable');

let sentry: TestSentry;
let binary: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  if (!built) return;
  sentry = await startSentryServer();
  const dir = makeTempDir('cronmon-sea-');
  binary = join(dir, 'cronmon');
  copyFileSync(BUILT, binary);
  // A PATH with the tools the jobs below use, and no node.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['sh', 'true']) symlinkSync(`/bin/${tool}`, join(bin, tool));
  env = { PATH: bin, HOME: dir, CRONMON_CACHE_DIR: join(dir, 'cache'), SENTRY_DSN: sentry.dsn };
});
afterAll(() => sentry?.close());

function run(args: string[], cwd = tmpdir()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.runIf(built)('the single executable', () => {
  it('has no node to lean on', async () => {
    const which = await run(['exec', '--slug', 'which-node', '--', 'sh', '-c', 'command -v node || echo none']);
    expect(which.stdout).toBe('none\n');
  });

  it('runs `exec --slug x -- true` and reports it', async () => {
    const result = await run(['exec', '--slug', 'sea-exec', '--schedule', '@daily', '--', 'true']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(sentry.checkIns().filter((c) => c.slug === 'sea-exec').map((c) => c.status)).toEqual(['in_progress', 'ok']);
  });

  it('keeps the job exit code and sends the tail', async () => {
    const result = await run(['exec', '--slug', 'sea-fail', '--', 'sh', '-c', 'echo broken; exit 5']);
    expect(result).toMatchObject({ code: 5, stdout: 'broken\n' });
    await sentry.waitFor((s) => s.events().some((e) => e.attachments[0]?.data.toString() === 'broken\n'));
  });

  it('sends a heartbeat', async () => {
    const result = await run(['heartbeat', '--slug', 'sea-beat', '--status', 'in_progress']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f]{32}\n$/);
  });

  it('runs the local receiver', async () => {
    const child = spawn(binary, ['listen', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
      });
    });
    const { dsn } = JSON.parse(first) as { dsn: string };
    const job = await new Promise<number | null>((resolve) => {
      spawn(binary, ['exec', '--slug', 'via-listen', '--', 'true'], { env: { ...env, SENTRY_DSN: dsn }, stdio: 'ignore' }).on('close', resolve);
    });
    expect(job).toBe(0);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });
});
