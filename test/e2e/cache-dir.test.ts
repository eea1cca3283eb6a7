import { chmodSync, chownSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli, runCliOrKill } from '../support/cli.js';
import { otherUser } from '../support/other-user.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// cronmon's cache directory holds state that steers what it sends (rate limits) and, through
// bin/cronmon, code (see compile-cache.test.ts): another user must not be able to plant either,
// and a directory that is no directory at all (/proc, /sys) must not stop the job.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const result = cronEnv({ SENTRY_DSN: sentry.dsn, ...extra });
  homes.push(result.HOME ?? '');
  return result;
}

let counter = 0;
const uniqueSlug = () => `cache-${process.pid}-${++counter}`;

describe('stored rate limits', () => {
  // A first run learns a one-minute limit for the monitor category and stores it.
  async function limited(e: NodeJS.ProcessEnv, slug: string): Promise<string> {
    sentry.setFault(() => ({ kind: 'status', status: 429, headers: { 'X-Sentry-Rate-Limits': '60:monitor:project:monitor_rate_limit' } }));
    try {
      await runCli(['exec', '--slug', slug, '--', 'true'], { env: e });
    } finally {
      sentry.setFault(undefined);
    }
    const before = sentry.checkIns(slug).length;
    await runCli(['exec', '--slug', slug, '--', 'true'], { env: e });
    expect(sentry.checkIns(slug).length, 'the limit is honoured from a private directory').toBe(before);
    return join(e.CRONMON_CACHE_DIR ?? '', 'rate-limits');
  }

  it('are not taken from a directory others can write: they could silence any monitor', async () => {
    const e = env();
    const slug = uniqueSlug();
    chmodSync(await limited(e, slug), 0o777);
    const before = sentry.checkIns(slug).length;
    expect((await runCli(['exec', '--slug', slug, '--', 'true'], { env: e })).code).toBe(0);
    await sentry.waitFor(() => sentry.checkIns(slug).length === before + 2);
  });

  it("are not taken from another user's directory", async (context) => {
    const nobody = otherUser(context);
    const e = env();
    const slug = uniqueSlug();
    chownSync(await limited(e, slug), nobody.uid, nobody.gid);
    const before = sentry.checkIns(slug).length;
    expect((await runCli(['exec', '--slug', slug, '--', 'true'], { env: e })).code).toBe(0);
    await sentry.waitFor(() => sentry.checkIns(slug).length === before + 2);
  });
});

describe.runIf(process.platform === 'linux')('a cache directory on a kernel filesystem', () => {
  for (const dir of ['/proc/self/cronmon', '/proc/cronmon/cache', '/sys/cronmon']) {
    it(`${dir} is not used, and the job runs and reports (--lock included)`, async () => {
      const slug = uniqueSlug();
      const result = await runCliOrKill(['exec', '--lock', '--slug', slug, '--', 'sh', '-c', 'echo ran'], { env: env({ CRONMON_CACHE_DIR: dir }) });
      expect(result.signal).toBeNull();
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe('ran\n');
      await sentry.waitFor(() => sentry.checkIns(slug).length === 2);
    });
  }
});
