import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand, cronEnv } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// A resolver that never answers, and an /etc/hosts of the test's own, in a private mount
// namespace: only root with unshare(1) can make one.
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;
if (!canUnshare) console.warn('dns.test: skipped, needs root and `unshare -m` for a private /etc/resolv.conf');

let sentry: TestSentry;
let silentDns: Socket;
let dir = '';
const nameserver = `127.83.${Math.floor(Math.random() * 200) + 20}.1`;
beforeAll(async () => {
  if (!canUnshare) return;
  sentry = await startSentryServer();
  dir = mkdtempSync(join(tmpdir(), 'cronmon-dns-'));
  // Takes every query and answers none.
  silentDns = createSocket('udp4');
  await new Promise<void>((resolve) => silentDns.bind(53, nameserver, resolve));
  writeFileSync(join(dir, 'resolv.conf'), `nameserver ${nameserver}\noptions timeout:30 attempts:1\n`);
  writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.1 sentry.hosts-file.test\n');
});
afterAll(async () => {
  if (!canUnshare) return;
  silentDns.close();
  await sentry.close();
  rmSync(dir, { recursive: true, force: true });
});

function execWithPrivateDns(dsn: string, slug: string) {
  const started = performance.now();
  const mountAndRun = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"';
  const args = [
    '-m',
    'sh',
    '-c',
    mountAndRun,
    'sh',
    join(dir, 'resolv.conf'),
    join(dir, 'hosts'),
    ...cliCommand(['exec', '--slug', slug, '--send-timeout', '1s', '--', 'sh', '-c', 'exit 3']),
  ];
  const child = spawn('unshare', args, { env: cronEnv({ SENTRY_DSN: dsn }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr, ms: performance.now() - started })),
  );
}

describe.skipIf(!canUnshare)('host names', () => {
  it('a resolver that never answers delays the run by --send-timeout, not by its own timeouts', async () => {
    const result = await execWithPrivateDns(`http://${sentry.key}@sentry.stalled.test:${sentry.port}/42`, 'stalled-dns');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^cronmon: .*sentry\.stalled\.test/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    // The resolver would hold a getaddrinfo for 30 s.
    expect(result.ms).toBeLessThan(15_000);
  });

  it('names in /etc/hosts are found without asking DNS', async () => {
    const result = await execWithPrivateDns(`http://${sentry.key}@sentry.hosts-file.test:${sentry.port}/42`, 'hosts-file');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(sentry.statusesOf('hosts-file')).toEqual(['in_progress', 'error']);
  });
});
