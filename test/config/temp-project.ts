import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

// Real directories for config-loading tests: a fresh root per test holding `home/` (passed as
// HOME) and `project/` (passed as cwd), removed afterwards. Paths are real paths, so they match
// what cosmiconfig reports even where the temp directory is a symlink.
export interface TempProject {
  root: string;
  home: string;
  project: string;
  // Writes a file below root (parents created) and returns its absolute path.
  write(relative: string, content: string | object): string;
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
}

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempProject(): TempProject {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cronmon-config-')));
  created.push(root);
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(home);
  mkdirSync(project);
  return {
    root,
    home,
    project,
    write(relative, content) {
      const file = join(root, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
    env: (extra = {}) => ({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...extra }),
  };
}
