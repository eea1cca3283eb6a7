import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { VERSION } from '../../src/util/version.js';
import { ON_BINARY, runCli } from '../support/cli.js';

// A bug report starts with `cronmon --version`: it says which runtime this cronmon runs on (the
// npm package on Node, the single executable on Bun).
const BUN_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/bun/package.json', import.meta.url), 'utf8')) as { version: string }).version;

it('--version names cronmon, its version and the runtime', async () => {
  const runtime = ON_BINARY ? `bun ${BUN_VERSION}` : `node ${process.version}`;
  for (const flag of ['--version', '-V']) {
    const result = await runCli([flag]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.toString()).toBe(`cronmon ${VERSION} (${runtime})\n`);
  }
});
