import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashScript } from '../../src/completion/bash.js';
import { fishScript } from '../../src/completion/fish.js';
import { buildSpec, INTERVAL_EXAMPLES, type CommandSpec } from '../../src/completion/spec.js';
import { zshScript } from '../../src/completion/zsh.js';
import { liveProgram } from '../completion/live-program.js';
import { CLI } from '../support/cli.js';

// The generated scripts, loaded by the real shells and asked for completions as a user's <TAB>
// would ask. A shell that is not installed is skipped with a note (CI installs zsh and fish).

const ZSH_CAPTURE = fileURLToPath(new URL('../completion/zsh-capture.zsh', import.meta.url));
const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

const installed = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
const hasBashCompletion = spawnSync('bash', ['-c', `test -r ${BASH_COMPLETION}`]).status === 0;

let root: string;
let project: string;
let elsewhere: string;
let env: NodeJS.ProcessEnv;
const scripts: Record<'bash' | 'zsh' | 'fish', string> = { bash: '', zsh: '', fish: '' };

// A directory tree for one shell installation: the files where the install instructions put them.
function install(dir: string, files: Record<string, string>): string {
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, relative)), { recursive: true });
    writeFileSync(join(dir, relative), text);
  }
  return dir;
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'cronmon-completion-')));
  // `cronmon` on PATH, as installed: the scripts call it for the slugs of the config file.
  const bin = join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(CLI, join(bin, 'cronmon'));
  writeFileSync(join(bin, 'cronmon-test-job'), '#!/bin/sh\n');
  chmodSync(join(bin, 'cronmon-test-job'), 0o755);
  project = join(root, 'project');
  elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  install(project, {
    'cronmon.config.json': JSON.stringify({ monitors: { 'nightly-backup': { schedule: '0 3 * * *' }, 'Hourly Sync': { interval: '1 hour' } } }),
  });
  const home = join(root, 'home');
  mkdirSync(home);
  env = {
    PATH: [bin, dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    TERM: 'dumb',
    LANG: 'C.UTF-8',
  };
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const result = spawnSync('cronmon', ['completion', shell], { env, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    scripts[shell] = result.stdout;
  }
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const run = (file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string[] => {
  const result = spawnSync(file, args, { cwd: options.cwd ?? project, env: options.env ?? env, encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`${file} exited ${result.status ?? result.signal}: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '');
};

// bash: source the script (or let bash-completion load it from where the README puts it), set
// COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as readline would (it splits at '='), call the
// function and print COMPREPLY.
const BASH_DRIVER = `
line=$2
if [[ $1 == bash-completion ]]; then
  source ${BASH_COMPLETION}
  _completion_loader cronmon
else
  source "$1"
fi
read -ra COMP_WORDS <<<"\${line//=/ = }"
[[ $line == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=\${#line}
complete -p cronmon >/dev/null || exit 3
_cronmon cronmon "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"
`;

function bashComplete(line: string, options: { script?: string; bashCompletion?: boolean; cwd?: string } = {}): string[] {
  if (options.bashCompletion) {
    install(join(env.XDG_DATA_HOME ?? '', 'bash-completion', 'completions'), { cronmon: scripts.bash });
    return run('bash', ['--norc', '--noprofile', '-c', BASH_DRIVER, 'bash', 'bash-completion', line], options);
  }
  const file = join(root, `script-${Math.random().toString(36).slice(2)}.bash`);
  writeFileSync(file, options.script ?? scripts.bash);
  return run('bash', ['--norc', '--noprofile', '-c', BASH_DRIVER, 'bash', file, line], options);
}

// zsh: an interactive zsh in a pseudo-terminal, compinit with the script on $fpath as _cronmon,
// the line typed and <TAB> pressed (test/completion/zsh-capture.zsh).
function zshComplete(line: string, options: { script?: string; cwd?: string } = {}): string[] {
  const dir = install(mkdtempSync(join(root, 'zfunc-')), { _cronmon: options.script ?? scripts.zsh });
  return run('zsh', ['-f', ZSH_CAPTURE, dir, line], options);
}

// fish: the script where fish autoloads it from (~/.config/fish/completions), then complete -C.
function fishComplete(line: string, options: { script?: string; cwd?: string } = {}): string[] {
  const home = mkdtempSync(join(root, 'fish-home-'));
  install(home, { '.config/fish/completions/cronmon.fish': options.script ?? scripts.fish });
  const fishEnv = { ...env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') };
  return run('fish', ['-c', 'complete --do-complete=$argv[1]', line], { ...options, env: fishEnv }).map((entry) => entry.split('\t')[0] ?? '');
}

const sorted = (values: readonly string[]) => [...values].sort();
const execLongOptions = () => {
  const exec = buildSpec(liveProgram()).subcommands.find((command) => command.name === 'exec') as CommandSpec;
  return sorted(exec.options.flatMap((option) => (option.long ? [option.long] : [])));
};

// A program whose values and descriptions need quoting in every shell.
const WEIRD_VALUES = ['a b', "it's", 'x:y', '$HOME', 'semi;colon', 'back\\slash'];
function weirdScript(generate: (spec: CommandSpec) => string): string {
  const program = new Command('cronmon').addCommand(
    new Command('weird')
      .description("it's [odd]: $HOME `x` \\ done")
      .addOption(new Option('--pick <value>', "one of them: 'quoted' [x] $PATH").choices(WEIRD_VALUES)),
  );
  return generate(buildSpec(program));
}

type Complete = (line: string, options?: { script?: string; cwd?: string }) => string[];
const SHELLS: readonly [string, Complete, (spec: CommandSpec) => string][] = [
  ['bash', bashComplete, bashScript],
  ['zsh', zshComplete, zshScript],
  ['fish', fishComplete, fishScript],
];

for (const [shell, complete, generate] of SHELLS) {
  const available = installed(shell);
  if (!available) {
    console.warn(`test/e2e/completion.test.ts: ${shell} is not installed, its completion tests are skipped (apt-get install -y ${shell})`);
  }
  // bash escapes what it inserts (printf %q); zsh and fish quote the inserted match themselves.
  const inserted = (value: string) => (shell === 'bash' ? value.replace(/[^\w./@%+,:=-]/g, '\\$&') : value);

  describe.skipIf(!available)(`${shell} completion of cronmon`, () => {
    it('completes subcommands', () => {
      expect(complete('cronmon e')).toEqual(['exec']);
      expect(sorted(complete('cronmon monitors '))).toEqual(['help', 'list', 'run']);
      expect(sorted(complete('cronmon completion '))).toEqual(['bash', 'fish', 'zsh']);
      expect(complete('cronmon help mon')).toEqual(['monitors']);
    });

    it("lists a command's own options", () => {
      expect(sorted(complete('cronmon exec --'))).toEqual(execLongOptions());
      const upsert = complete('cronmon upsert --slug exec --');
      expect(upsert).toContain('--via');
      expect(upsert).not.toContain('--tail-bytes');
    });

    it('completes fixed choices and interval examples', () => {
      expect(sorted(complete('cronmon heartbeat --status '))).toEqual(['error', 'in_progress', 'ok']);
      expect(complete('cronmon heartbeat --dry-run --status i')).toEqual(['in_progress']);
      expect(sorted(complete('cronmon exec --log-on '))).toEqual(['always', 'error']);
      expect(sorted(complete('cronmon exec --interval '))).toEqual(sorted(INTERVAL_EXAMPLES.map(inserted)));
    });

    it('completes --option=value', () => {
      const prefix = shell === 'fish' ? '--status=' : '';
      expect(sorted(complete('cronmon heartbeat --status='))).toEqual(['error', 'in_progress', 'ok'].map((v) => prefix + v));
    });

    it('completes monitor slugs from the config file, or the one given with --config', () => {
      expect(sorted(complete('cronmon exec --slug '))).toEqual(['hourly-sync', 'nightly-backup']);
      expect(complete('cronmon heartbeat --slug n')).toEqual(['nightly-backup']);
      expect(complete('cronmon exec --slug ', { cwd: elsewhere })).toEqual([]);
      const config = join(project, 'cronmon.config.json');
      expect(complete(`cronmon upsert --config ${config} --slug h`, { cwd: elsewhere })).toEqual(['hourly-sync']);
    });

    it("completes exec's job: commands after --, then files or the command's own completion", () => {
      expect(complete('cronmon exec -- cronmon-test-j')).toEqual(['cronmon-test-job']);
      expect(complete('cronmon exec --slug x cronmon-test-j')).toEqual(['cronmon-test-job']);
      if (shell === 'bash') {
        // Without bash-completion there is no per-command completion to hand over to: files.
        expect(complete('cronmon exec -- ./job.sh cronmon.conf')).toEqual(['cronmon.config.json']);
      } else {
        expect(sorted(complete('cronmon exec --slug x -- cronmon heartbeat --status '))).toEqual(['error', 'in_progress', 'ok']);
      }
    });

    it('quotes values and descriptions that mean something to the shell', () => {
      expect(sorted(complete('cronmon weird --pick ', { script: weirdScript(generate) }))).toEqual(sorted(WEIRD_VALUES.map(inserted)));
    });
  });
}

describe.skipIf(!installed('bash') || !hasBashCompletion)('bash completion with the bash-completion package', () => {
  it('is found where the install instructions put it, and hands the job to its own completion', () => {
    expect(bashComplete('cronmon e', { bashCompletion: true })).toEqual(['exec']);
    expect(sorted(bashComplete('cronmon exec --slug x -- cronmon heartbeat --status ', { bashCompletion: true }))).toEqual(['error', 'in_progress', 'ok']);
  });
});

describe.skipIf(!installed('zsh'))('zsh completion sourced instead of autoloaded', () => {
  it('registers itself with compdef', () => {
    const file = join(root, 'sourced.zsh');
    writeFileSync(file, scripts.zsh);
    const result = spawnSync('zsh', ['-f', ZSH_CAPTURE, join(root, 'no-such-dir'), 'cronmon heartbeat --status '], {
      cwd: project,
      env: { ...env, CAPTURE_SOURCE: file },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(sorted(result.stdout.split('\n').filter(Boolean))).toEqual(['error', 'in_progress', 'ok']);
  });
});

if (!hasBashCompletion && installed('bash')) {
  console.warn(
    `test/e2e/completion.test.ts: ${BASH_COMPLETION} is missing, the bash-completion hand-over test is skipped (apt-get install -y bash-completion)`,
  );
}

describe('cronmon completion', () => {
  const cli = (args: string[], cwd = project) => spawnSync('cronmon', args, { cwd, env, encoding: 'utf8' });

  it('prints each script on stdout, nothing on stderr', () => {
    expect(scripts.bash).toContain('complete -F _cronmon cronmon');
    expect(scripts.zsh.startsWith('#compdef cronmon\n')).toBe(true);
    expect(scripts.fish).toContain("complete -c cronmon -n '__cronmon_at \\'heartbeat\\'' -l status");
  });

  it('says how to install the script', () => {
    const help = cli(['completion', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: cronmon completion [options] <shell>');
    expect(help.stdout).toContain('cronmon completion bash > ~/.local/share/bash-completion/completions/cronmon');
    expect(help.stdout).toContain('~/.zfunc/_cronmon');
    expect(help.stdout).toContain('cronmon completion fish > ~/.config/fish/completions/cronmon.fish');
    expect(help.stdout).not.toContain('--slugs');
  });

  it('rejects a missing or unknown shell as a usage error (exit 2)', () => {
    const missing = cli(['completion']);
    expect([missing.status, missing.stdout, missing.stderr]).toEqual([2, '', "cronmon: missing required argument 'shell'\n"]);
    const unknown = cli(['completion', 'powershell']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^cronmon: .*'powershell'.*bash, zsh, fish/);
  });

  it('--slugs prints the slugs of the config file, and nothing (exit 0) when there are none', () => {
    expect(cli(['completion', '--slugs'])).toMatchObject({ status: 0, stdout: 'hourly-sync\nnightly-backup\n', stderr: '' });
    expect(cli(['completion', '--slugs'], elsewhere)).toMatchObject({ status: 0, stdout: '', stderr: '' });
    const config = join(project, 'cronmon.config.json');
    expect(cli(['completion', '--slugs', '--config', config], elsewhere)).toMatchObject({ status: 0, stdout: 'hourly-sync\nnightly-backup\n' });
    const broken = install(join(root, 'broken'), { 'cronmon.config.json': '{ "monitors": ' });
    expect(cli(['completion', '--slugs'], broken)).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });
});
