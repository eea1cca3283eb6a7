import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Vitest's global setup: the test processes get a temporary directory of this run's own
// (TMPDIR, sticky and world-writable as /tmp is), so that what tests leave behind can be told
// apart from what others on the machine make. At the end, anything left there fails the run,
// by name, and is removed: every test cleans up what it creates.
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'cronmon-test-run-'));
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // (An error thrown here is printed, but does not fail the run.)
      console.error(`\nFAIL: the tests left ${left.length} entries in the temporary directory: ${left.sort().join(', ')}\n`);
      process.exitCode = 1;
    }
  };
}
