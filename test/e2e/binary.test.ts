import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// The single executable (`npm run build:binary`) for this machine, or the one CRONMON_BIN names,
// copied alone into an empty directory and run with no node on PATH: what a server without Node
// gets.
const BUILT = BINARY ?? fileURLToPath(new URL(`../../build/cronmon-${process.platform}-${process.arch}`, import.meta.url));
const built = existsSync(BUILT);
if (!built) console.warn(`${BUILT} not found: run \`npm run build:binary\` to test the single executable`);
const BUN_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/bun/package.json', import.meta.url), 'utf8')) as { version: string }).version;

let sentry: TestSentry;
let dir: string;
let binary: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  if (!built) return;
  sentry = await startSentryServer();
  dir = mkdtempSync(join(tmpdir(), 'cronmon-binary-'));
  binary = join(dir, 'cronmon');
  copyFileSync(BUILT, binary);
  // A PATH with the tools the jobs below use, and no node.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['sh', 'true']) symlinkSync(`/bin/${tool}`, join(bin, tool));
  env = { PATH: bin, HOME: dir, CRONMON_CACHE_DIR: join(dir, 'cache'), SENTRY_DSN: sentry.dsn };
});
afterAll(async () => {
  await sentry?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], cwd = dir): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
  it('names its runtime in --version', async () => {
    expect((await run(['--version'])).stdout).toBe(`cronmon 0.1.0 (bun ${BUN_VERSION})\n`);
  });

  it('takes no settings and runs no code from a .env or bunfig.toml where the job runs', async () => {
    const cwd = join(dir, 'job-dir');
    mkdirSync(cwd);
    const marker = join(dir, 'preload-ran');
    writeFileSync(join(cwd, '.env'), 'SENTRY_DSN=http://k1234@127.0.0.1:9/1\nCRONMON_SLUG=from-dotenv\n');
    writeFileSync(join(cwd, 'preload.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n`);
    writeFileSync(join(cwd, 'bunfig.toml'), 'preload = ["./preload.js"]\n');
    const result = await run(['exec', '--slug', 'no-dotenv', '--', 'sh', '-c', 'echo "${CRONMON_SLUG:-unset}"'], cwd);
    expect(result).toMatchObject({ code: 0, stdout: 'unset\n', stderr: '' });
    expect(existsSync(marker)).toBe(false);
    expect(sentry.statusesOf('no-dotenv')).toEqual(['in_progress', 'ok']);
  });

  it('has no node to lean on', async () => {
    const which = await run(['exec', '--slug', 'which-node', '--', 'sh', '-c', 'command -v node || echo none']);
    expect(which.stdout).toBe('none\n');
  });

  it('runs `exec --slug x -- true` and reports it', async () => {
    const result = await run(['exec', '--slug', 'binary-exec', '--schedule', '@daily', '--', 'true']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(sentry.statusesOf('binary-exec')).toEqual(['in_progress', 'ok']);
  });

  it('keeps the job exit code and sends the tail', async () => {
    const result = await run(['exec', '--slug', 'binary-fail', '--', 'sh', '-c', 'echo broken; exit 5']);
    expect(result).toMatchObject({ code: 5, stdout: 'broken\n' });
    await sentry.waitFor((s) => s.events().some((e) => e.attachments[0]?.data.toString() === 'broken\n'));
  });

  it('sends a heartbeat', async () => {
    const result = await run(['heartbeat', '--slug', 'binary-beat', '--status', 'in_progress']);
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
