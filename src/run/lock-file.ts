import { randomBytes } from 'node:crypto';
import { linkSync, renameSync } from 'node:fs';
import { CronmonError } from '../util/errors.js';
import { writeTempFile } from '../util/safe-fs.js';
import { hold, isAlive, readInfo, sameHolder, tryUnlink, type Attempt, type HolderInfo } from './lock-holder.js';

// The lock file as the lock (see lock.ts), where no Unix socket can be used.
export function tryFile(file: string, info: HolderInfo): Attempt {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeTempFile(temp, `${JSON.stringify(info)}\n`, { mode: 0o644 });
  } catch (error) {
    throw new CronmonError('usage', `--lock: cannot write the lock file ${file}: ${(error as Error).message}`);
  }
  try {
    for (let round = 0; round < 3; round++) {
      try {
        linkSync(temp, file);
        return {
          lock: hold(file, () => {
            if (sameHolder(readInfo(file), info)) tryUnlink(file);
          }),
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readInfo(file);
      if (holder && isAlive(holder.pid)) return { holder: () => Promise.resolve(holder) };
      // Stale: move it aside under a name of our own; of several runs doing this, one wins.
      const aside = `${temp}.stale`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = readInfo(aside);
      if (moved && !sameHolder(moved, holder) && isAlive(moved.pid)) {
        // A live lock was created in between and we moved it: put it back, unless taken again.
        try {
          linkSync(aside, file);
        } catch {
          /* someone else holds it now */
        }
        tryUnlink(aside);
        return { holder: () => Promise.resolve(moved) };
      }
      tryUnlink(aside);
    }
    return { holder: () => Promise.resolve(readInfo(file)) };
  } finally {
    tryUnlink(temp);
  }
}
