import { execFileSync } from 'node:child_process';
import type { TestContext } from 'vitest';

// Another local user for the tests of files cronmon must not trust: `nobody`, which only root
// can hand files to (chown). Without root those tests are skipped, saying why.
const nobody: { uid: number; gid: number } | undefined = (() => {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid = 0, gid = 0] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim()));
    return uid > 0 ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
})();

export function otherUser(context: TestContext): { uid: number; gid: number } {
  if (!nobody) return context.skip('needs root and a "nobody" user, to give files to another user');
  return nobody;
}
