import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { addFlags, flagsOf } from '../../src/cli/options.js';
import { buildProgram } from '../../src/cli/program.js';
import type { Flag } from '../../src/config/flag.js';
import * as flags from '../../src/config/command-flags.js';
import { MONITOR_FLAG_LABELS } from '../../src/config/flags.js';
import { readCronmonCall } from '../../src/crontab/cronmon-line.js';
import { lexShell } from '../../src/crontab/shell-lex.js';

// The flags are declared once, in src/config/flags.ts; these tests hold commander, the handlers'
// types, the crontab reader and the unmonitored fallback to those declarations.

const COMMANDS: [string[], readonly Flag[]][] = [
  [['exec'], flags.EXEC_FLAGS],
  [['heartbeat'], flags.HEARTBEAT_FLAGS],
  [['upsert'], flags.UPSERT_FLAGS],
  [['monitors', 'list'], flags.MONITORS_LIST_FLAGS],
  [['monitors', 'run'], flags.MONITORS_RUN_FLAGS],
  [['listen'], flags.LISTEN_FLAGS],
  [['crontab'], flags.CRONTAB_FLAGS],
  [['doctor'], flags.DOCTOR_FLAGS],
  [['completion'], flags.COMPLETION_FLAGS],
];

function commandAt(path: string[]): Command {
  let command: Command | undefined = buildProgram();
  for (const name of path) command = command?.commands.find((sub) => sub.name() === name);
  if (!command) throw new Error(`no command ${path.join(' ')}`);
  return command;
}

const declared = (option: Option): boolean => !option.hidden || flags.ALL_FLAGS.some((f) => f.long === option.long && f.hidden === true);

describe('the flag declarations', () => {
  it.each(flags.ALL_FLAGS.map((f) => [f.long, f] as const))('%s: its key is the attribute commander sets', (_long, declaration) => {
    const command = addFlags(new Command(), [declaration]);
    expect(command.options[0]?.attributeName()).toBe(declaration.key);
  });

  it.each(COMMANDS.map(([path, list]) => [path.join(' '), path, list] as const))(
    'cronmon %s offers exactly its declared flags, in order',
    (_name, path, list) => {
      const options = commandAt(path).options.filter(declared);
      expect(options.map((option) => option.long)).toEqual(list.map((f) => f.long));
      expect(options.map((option) => option.short ?? null)).toEqual(list.map((f) => f.short ?? null));
    },
  );

  it('names in help every environment variable a flag is read from', () => {
    for (const [path, list] of COMMANDS) {
      const options = commandAt(path).options;
      for (const declaration of list) {
        const help = options.find((option) => option.long === declaration.long)?.description ?? '';
        for (const name of declaration.env ?? []) expect(help, `${path.join(' ')} ${declaration.long}`).toContain(name);
      }
    }
  });

  it('gives the handler the values as their declarations type them', () => {
    const command = addFlags(new Command('exec').argument('<command...>').passThroughOptions(), flags.EXEC_FLAGS).exitOverride();
    let received: flags.ExecFlags | undefined;
    command.action((_job: string[], _options: unknown, self: Command) => {
      received = flagsOf<typeof flags.EXEC_FLAGS>(self);
    });
    const argv = ['--header', 'A: 1', '--header', 'B: 2', '--check-in-margin', '5', '--failure-issue-threshold', '3', '--lock', '--no-log', '-q', 'job'];
    command.parse(argv, { from: 'user' });
    expect(received).toMatchObject({ header: ['A: 1', 'B: 2'], checkinMargin: '5', failureThreshold: '3', lock: true, log: false, quiet: true });
    // Defaults are always there.
    expect(received).toMatchObject({ tailBytes: '102400', logOn: 'error', sendTimeout: '5s' });
  });

  it('labels monitor settings with their flags', () => {
    expect(MONITOR_FLAG_LABELS).toEqual({
      schedule: '--schedule',
      interval: '--interval',
      timezone: '--timezone',
      checkinMargin: '--checkin-margin',
      maxRuntime: '--max-runtime',
      failureThreshold: '--failure-threshold',
      recoveryThreshold: '--recovery-threshold',
      owner: '--owner',
    });
  });
});

// Three readers of a `cronmon exec` line: commander, the crontab reader (already-wrapped lines)
// and bin/unmonitored.js (too old a Node.js). Each must find the same job after every flag.
describe('every reader of an exec command line finds the same job', () => {
  const { jobOf } = createRequire(import.meta.url)(fileURLToPath(new URL('../../bin/unmonitored.js', import.meta.url))) as {
    jobOf: (args: string[]) => string[] | undefined;
  };
  const commanderJob = (args: string[]): string[] | undefined => {
    let job: string[] | undefined;
    const command = addFlags(new Command('exec').argument('<command...>').passThroughOptions(), flags.EXEC_FLAGS).exitOverride();
    command.action((words: string[]) => {
      job = words;
    });
    command.parse(args, { from: 'user' });
    return job;
  };
  const crontabJob = (args: string[]): string | undefined => {
    const text = `cronmon exec ${args.join(' ')}`;
    return readCronmonCall(text, lexShell(text), '/usr/bin/cronmon')?.command;
  };
  const words = flags.execWords();
  const cases: [string, string[]][] = [
    ...words.value.map((word): [string, string[]] => [word, [word, 'value', 'job.sh', '--full']]),
    ...words.noValue.filter((word) => word !== '-h' && word !== '--help').map((word): [string, string[]] => [word, [word, 'job.sh', '--full']]),
    ...words.optionalValue.map((word): [string, string[]] => [word, [word, '-q', 'job.sh', '--full']]),
  ];

  it.each(cases)('after %s', (_word, args) => {
    // --log-on takes one of its choices.
    const line = args.map((arg) => (arg === 'value' && args[0] === '--log-on' ? 'always' : arg));
    expect(commanderJob(line)).toEqual(['job.sh', '--full']);
    expect(jobOf(['exec', ...line])).toEqual(['job.sh', '--full']);
    expect(crontabJob(line)).toBe('job.sh --full');
  });

  it('covers every flag exec has', () => {
    const all = [...words.value, ...words.noValue, ...words.optionalValue];
    for (const option of commandAt(['exec']).options) expect(all).toContain(option.long);
  });
});
