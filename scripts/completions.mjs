// `npm run completions`: writes the shell completion scripts shipped in completions/ from the
// built CLI (`cronmon completion <shell>`), so they always match the registered commands.
// `--check` (npm run completions:check) writes nothing and exits 1 when a file is stale;
// test/completion/files.test.ts makes `npm test` fail the same way. `--dir <dir>` works on
// another directory than completions/ (for that test).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const cli = fileURLToPath(new URL('bin/cronmon', root));

export const COMPLETION_FILES = { bash: 'completions/cronmon.bash', zsh: 'completions/_cronmon', fish: 'completions/cronmon.fish' };

// The script the built CLI prints for a shell, in a neutral environment.
export const generate = (shell) =>
  execFileSync(process.execPath, [cli, 'completion', shell], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
  });

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const dirIndex = args.indexOf('--dir');
  const dir = dirIndex >= 0 ? resolve(args[dirIndex + 1] ?? '.') : fileURLToPath(new URL('completions/', root));
  const stale = [];
  for (const [shell, path] of Object.entries(COMPLETION_FILES)) {
    const file = join(dir, basename(path));
    const script = generate(shell);
    if (read(file) === script) continue;
    stale.push(dirIndex >= 0 ? file : path);
    if (!check) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, script);
      console.log(`wrote ${dirIndex >= 0 ? file : path}`);
    }
  }
  if (check && stale.length > 0) {
    console.error(`stale: ${stale.join(', ')} (the commands changed): run npm run completions and commit the result`);
    process.exit(1);
  }
  if (stale.length === 0) console.log('completions/ is up to date');
}
