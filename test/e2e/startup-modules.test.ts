import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON_BINARY, cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';
import { makeTempDir } from '../support/temp-dirs.js';

// Start-up is a feature: what `exec` does not need, it must not load. (How long it takes is
// measured by `npm run bench`; which modules load is a fact a test can hold.) Node's module
// list, through a --require preload: the single executable has neither.
const PRELOAD = fileURLToPath(new URL('../fixtures/report-modules.cjs', import.meta.url));

let sentry: TestSentry;
beforeAll(async () => {
  if (!ON_BINARY) sentry = await startSentryServer();
});
afterAll(() => sentry?.close());

async function modulesOf(args: string[], extraEnv: Record<string, string> = {}): Promise<string[]> {
  const report = join(makeTempDir('cronmon-modules-'), 'modules');
  const result = await runCli(args, { env: cronEnv({ NODE_OPTIONS: `--require=${PRELOAD}`, REPORT_MODULES_TO: report, ...extraEnv }) });
  expect(result.code, result.stderr).not.toBeNull();
  return readFileSync(report, 'utf8').split('\n');
}

describe.skipIf(ON_BINARY)('exec loads only what it needs', () => {
  it('reports a failed run without node:http, node:crypto or TLS', async () => {
    const modules = await modulesOf(['exec', '--slug', 'lean', '--', 'sh', '-c', 'echo x; exit 1'], { SENTRY_DSN: sentry.dsn });
    expect(modules).toContain('child_process');
    expect(modules).toContain('net');
    expect(modules.filter((name) => /^(http|https|_http_client|crypto|tls|internal\/crypto\/random)$/.test(name))).toEqual([]);
    // Neither the FIFOs' directory nor the outage file needs Node's recursive removal (~1 ms).
    expect(modules).not.toContain('internal/fs/rimraf');
    // Its clock is process.hrtime: the global `performance` would load perf_hooks (~0.8 ms).
    expect(modules).not.toContain('perf_hooks');
    expect(sentry.statusesOf('lean')).toEqual(['in_progress', 'error']);
  });
});

describe.skipIf(ON_BINARY)('delivery loads only what it needs', () => {
  it('sends small check-ins without zlib, and a proxied http DSN without TLS or node:http', async () => {
    const { startForwardProxy } = await import('../support/forward-proxy.js');
    const proxy = await startForwardProxy();
    try {
      const modules = await modulesOf(['exec', '--slug', 'lean-proxy', '--', 'true'], {
        SENTRY_DSN: sentry.dsn.replace('127.0.0.1', 'sentry.test'),
        HTTP_PROXY: proxy.url,
      });
      expect(modules.filter((name) => /^(zlib|http|https|_http_client|tls|crypto)$/.test(name))).toEqual([]);
      expect(sentry.statusesOf('lean-proxy')).toEqual(['in_progress', 'ok']);
    } finally {
      await proxy.close();
    }
  });
});
