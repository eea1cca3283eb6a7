import { Help, type Argument, type Command, type Option } from 'commander';
import type { Flag } from '../config/flag.js';
import { ALL_FLAGS } from '../config/command-flags.js';

// A plain description of the command tree, taken from the live commander program, that the
// bash/zsh/fish generators turn into scripts. Commands registered later (crontab, …) show up
// without any change here; only the value hints below are cronmon-specific. Hidden commands
// and options (commander's hideHelp/hidden) are left out; command aliases are not completed.

export type ValueHint =
  // Free text: nothing sensible to offer.
  | { kind: 'none' }
  // A fixed list (commander choices, interval examples). Values may contain spaces.
  | { kind: 'choices'; values: readonly string[] }
  | { kind: 'file' }
  // Monitor slugs from the config file, asked for at completion time (`cronmon completion --slugs`).
  | { kind: 'slug' }
  // A command line to run (`exec -- <command> [args...]`): command names, then that command's
  // own completion.
  | { kind: 'command' };

export interface OptionSpec {
  // Without the dashes' meaning lost: '--status', '-e'.
  long?: string;
  short?: string;
  // 'required': `--slug <slug>`; 'optional': `--lock [file]`; 'none': a flag.
  value: 'none' | 'required' | 'optional';
  // The placeholder of the value, as help shows it: 'slug' for `--slug <slug>`.
  valueName: string;
  hint: ValueHint;
  description: string;
}

export interface ArgumentSpec {
  name: string;
  required: boolean;
  variadic: boolean;
  hint: ValueHint;
}

export interface CommandSpec {
  name: string;
  // 'monitors list' for nested commands, '' for the program itself.
  path: string;
  description: string;
  options: readonly OptionSpec[];
  arguments: readonly ArgumentSpec[];
  subcommands: readonly CommandSpec[];
}

// `--interval "<n> <unit>"`: what a user most likely means, smallest unit first.
export const INTERVAL_EXAMPLES: readonly string[] = [
  '1 minute',
  '5 minutes',
  '10 minutes',
  '15 minutes',
  '30 minutes',
  '1 hour',
  '2 hours',
  '6 hours',
  '12 hours',
  '1 day',
  '1 week',
  '1 month',
  '1 year',
];

const NONE: ValueHint = { kind: 'none' };
const FILE: ValueHint = { kind: 'file' };

// Hints for option values commander knows only as text, as the flags declare them.
const HINTS: Readonly<Record<NonNullable<Flag['hint']>, ValueHint>> = {
  interval: { kind: 'choices', values: INTERVAL_EXAMPLES },
  slug: { kind: 'slug' },
  file: FILE,
};
const HINT_OF_FLAG = new Map<string, ValueHint>(
  ALL_FLAGS.flatMap((declaration) => (declaration.hint === undefined ? [] : [[declaration.long, HINTS[declaration.hint]] as const])),
);

// An argument or an undeclared option's value named `<file>` or `[paths...]` is a file.
const FILE_PLACEHOLDER = /^(files?|paths?|dir|directory)$/;

export function buildSpec(program: Command): CommandSpec {
  return commandSpec(program, '', new Help());
}

function commandSpec(command: Command, path: string, help: Help): CommandSpec {
  const subcommands = help.visibleCommands(command).map((sub) => commandSpec(sub, path === '' ? sub.name() : `${path} ${sub.name()}`, help));
  const options = help.visibleOptions(command).map(optionSpec);
  const siblings = subcommands.map((sub) => sub.name).filter((name) => name !== 'help');
  return {
    name: command.name(),
    path,
    description: firstLine(command.description()),
    options,
    arguments: command.registeredArguments.map(argumentSpec),
    // The implicit `help [command]` of a command gets its siblings as arguments, below.
    subcommands: subcommands.map((sub) =>
      sub.name === 'help' && sub.arguments.length === 1
        ? { ...sub, arguments: sub.arguments.map((a) => ({ ...a, hint: { kind: 'choices', values: siblings } as const })) }
        : sub,
    ),
  };
}

function optionSpec(option: Option): OptionSpec {
  const value = option.required ? 'required' : option.optional ? 'optional' : 'none';
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1]?.replace(/\.\.\.$/, '') ?? '';
  let hint: ValueHint = NONE;
  if (value !== 'none') {
    if (option.argChoices && option.argChoices.length > 0) hint = { kind: 'choices', values: [...option.argChoices] };
    else hint = (option.long === undefined ? undefined : HINT_OF_FLAG.get(option.long)) ?? (FILE_PLACEHOLDER.test(placeholder) ? FILE : NONE);
  }
  return {
    ...(option.long !== undefined ? { long: option.long } : {}),
    ...(option.short !== undefined ? { short: option.short } : {}),
    value,
    valueName: placeholder,
    hint,
    description: firstLine(option.description),
  };
}

function argumentSpec(argument: Argument): ArgumentSpec {
  const name = argument.name();
  let hint: ValueHint = NONE;
  if (argument.argChoices && argument.argChoices.length > 0) hint = { kind: 'choices', values: [...argument.argChoices] };
  // `exec <command...>`: the job and its arguments.
  else if (argument.variadic && name === 'command') hint = { kind: 'command' };
  else if (FILE_PLACEHOLDER.test(name)) hint = FILE;
  return { name, required: argument.required, variadic: argument.variadic, hint };
}

const firstLine = (text: string): string => text.split('\n')[0]?.trim() ?? '';

// Every command of the tree, the program first, parents before their subcommands.
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}

// The option words a command accepts (long and short), in declaration order.
export const optionWords = (command: CommandSpec): string[] =>
  command.options.flatMap((option) => [option.long, option.short].filter((word): word is string => word !== undefined));

// Does the command's last argument take over the rest of the line (exec's job)?
export const takesCommandLine = (command: CommandSpec): boolean => command.arguments.some((argument) => argument.hint.kind === 'command');
