import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { INTERVAL_EXAMPLES, allCommands, buildSpec, optionWords, takesCommandLine, type CommandSpec } from '../../src/completion/spec.js';
import { liveProgram } from './live-program.js';

const find = (spec: CommandSpec, path: string): CommandSpec => {
  const command = allCommands(spec).find((c) => c.path === path);
  if (!command) throw new Error(`no command ${path}`);
  return command;
};
const option = (command: CommandSpec, long: string) => command.options.find((o) => o.long === long);

describe('buildSpec on the live program', () => {
  const spec = buildSpec(liveProgram());

  it('has every registered subcommand, nested ones with their path', () => {
    const names = spec.subcommands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['exec', 'heartbeat', 'upsert', 'monitors', 'listen', 'completion', 'help']));
    expect(find(spec, 'monitors').subcommands.map((c) => c.name)).toContain('list');
    expect(find(spec, 'monitors list').options.map((o) => o.long)).toContain('--auth-token');
  });

  it("takes choices from commander and hints from the options' meaning", () => {
    expect(option(find(spec, 'heartbeat'), '--status')?.hint).toEqual({ kind: 'choices', values: ['ok', 'error', 'in_progress'] });
    expect(option(find(spec, 'exec'), '--log-on')?.hint).toEqual({ kind: 'choices', values: ['error', 'always'] });
    for (const path of ['exec', 'heartbeat', 'upsert']) {
      expect(option(find(spec, path), '--interval')?.hint).toEqual({ kind: 'choices', values: INTERVAL_EXAMPLES });
      expect(option(find(spec, path), '--slug')?.hint).toEqual({ kind: 'slug' });
      expect(option(find(spec, path), '--config')?.hint).toEqual({ kind: 'file' });
    }
    expect(option(find(spec, 'exec'), '--dsn')).toMatchObject({ value: 'required', valueName: 'dsn', hint: { kind: 'none' } });
    expect(option(find(spec, 'exec'), '--dry-run')).toMatchObject({ value: 'none' });
    expect(find(spec, 'exec').options.find((o) => o.short === '-e')).toMatchObject({ long: '--environment', value: 'required' });
  });

  it('knows that exec takes a command line, and what the arguments of completion and help are', () => {
    expect(takesCommandLine(find(spec, 'exec'))).toBe(true);
    expect(takesCommandLine(find(spec, 'heartbeat'))).toBe(false);
    expect(find(spec, 'completion').arguments).toEqual([
      { name: 'shell', required: false, variadic: false, hint: { kind: 'choices', values: ['bash', 'zsh', 'fish'] } },
    ]);
    const help = find(spec, 'help').arguments[0]?.hint;
    expect(help?.kind === 'choices' && help.values).toEqual(expect.arrayContaining(['exec', 'monitors', 'completion']));
    expect(help?.kind === 'choices' && help.values).not.toContain('help');
  });

  it('leaves hidden options out (the helper the scripts call)', () => {
    expect(optionWords(find(spec, 'completion'))).toEqual(['--help', '-h']);
  });

  it('is plain data', () => {
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });
});

describe('buildSpec on any commander program', () => {
  const program = new Command('tool')
    .option('-V, --version', 'version')
    .addCommand(
      new Command('run')
        .argument('<first>', 'first')
        .argument('[files...]', 'more')
        .option('--lock [file]', 'optional file')
        .option('--out <path>', 'output')
        .option('--level <n>', 'level')
        .addOption(new Option('--secret', 'hidden').hideHelp())
        .addOption(new Option('--mode <mode>', 'mode').choices(['a', 'b'])),
    )
    .addCommand(new Command('hidden-one'), { hidden: true });
  const spec = buildSpec(program);
  const run = find(spec, 'run');

  it('reads value kinds, placeholders and file hints', () => {
    expect(option(run, '--lock')).toMatchObject({ value: 'optional', valueName: 'file', hint: { kind: 'file' } });
    expect(option(run, '--out')).toMatchObject({ value: 'required', hint: { kind: 'file' } });
    expect(option(run, '--level')).toMatchObject({ value: 'required', valueName: 'n', hint: { kind: 'none' } });
    expect(option(run, '--mode')?.hint).toEqual({ kind: 'choices', values: ['a', 'b'] });
    expect(option(run, '--secret')).toBeUndefined();
    expect(run.arguments).toEqual([
      { name: 'first', required: true, variadic: false, hint: { kind: 'none' } },
      { name: 'files', required: false, variadic: true, hint: { kind: 'file' } },
    ]);
  });

  it('leaves hidden commands out', () => {
    expect(spec.subcommands.map((c) => c.name)).toEqual(['run', 'help']);
  });
});
