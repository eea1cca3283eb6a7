// What an option of the command line is, declared once (flags.ts, command-flags.ts): the CLI builds
// commander's options from it, the handlers get their flags' types from it, completions get
// their value hints, the crontab reader and the unmonitored fallback learn which words take a
// value, and messages name the flag as the user typed it.

import { isOn } from './sourced.js';

export type Takes = 'nothing' | 'value' | 'optional value' | 'values';

export interface Flag {
  // The property the handler reads (commander's attribute name: --no-log sets `log`).
  readonly key: string;
  readonly long: `--${string}`;
  readonly short?: `-${string}`;
  // 'values': repeatable, collected in order.
  readonly takes: Takes;
  // The value's name in help: `--slug <slug>`.
  readonly placeholder?: string;
  readonly help: string;
  // Environment variables that set it when the flag is not given, in order.
  readonly env?: readonly string[];
  // Where else it can be set, for help: "[auth] token in .sentryclirc".
  readonly elsewhere?: string;
  readonly choices?: readonly string[];
  readonly defaultValue?: string | number;
  // Parses and checks the value as commander reads it (a usage error otherwise).
  readonly parse?: (value: string) => unknown;
  // What completion offers for the value, beyond choices.
  readonly hint?: 'file' | 'slug' | 'interval';
  // Other spellings (sentry-cli's): accepted, not shown in help or completed.
  readonly aliases?: readonly `--${string}`[];
  readonly hidden?: boolean;
}

// Keeps the literal types of a declaration (its key, choices), which the handlers' types use.
export const flag = <const F extends Flag>(declaration: F): F => declaration;

type ValueOf<F extends Flag> = F extends { parse: (value: string) => infer T }
  ? T
  : F['takes'] extends 'nothing'
    ? boolean
    : F['takes'] extends 'values'
      ? string[]
      : F extends { choices: readonly (infer C)[] }
        ? C
        : F['takes'] extends 'optional value'
          ? string | true
          : string;

// The object a command's handler receives for these flags: those with a default are always
// there, every other one may be absent.
type Defaulted = { defaultValue: string | number };
export type FlagValues<Flags extends readonly Flag[]> = {
  [F in Flags[number] as F extends Defaulted ? never : F['key']]?: ValueOf<F> | undefined;
} & {
  [F in Flags[number] as F extends Defaulted ? F['key'] : never]: ValueOf<F>;
};

// The same flag with the help text of one command.
export const describedAs = <F extends Flag>(declaration: F, help: string): F => ({ ...declaration, help });

// Candidates for pick(): the flag's value, then its environment variables, each named as the
// user would set it.
export function fromFlagOrEnv(declaration: Flag, value: string | undefined, env: NodeJS.ProcessEnv): [string | undefined, string][] {
  return [[value, declaration.long], ...(declaration.env ?? []).map((name): [string | undefined, string] => [env[name], name])];
}

// The names a user sets it by, for messages: --dsn, SENTRY_DSN.
export const namesOf = (declaration: Flag): string[] => [declaration.long, ...(declaration.env ?? [])];

// A switch: given, or one of its environment variables set (and not 0 or false).
export const isSet = (declaration: Flag, value: boolean | undefined, env: NodeJS.ProcessEnv): boolean =>
  value === true || (declaration.env ?? []).some((name) => isOn(env[name]));

// The words a command line may use for the flag: `--check-in-margin`, `-s`, `--schedule`.
export const wordsOf = (declaration: Flag): string[] => [
  declaration.long,
  ...(declaration.short === undefined ? [] : [declaration.short]),
  ...(declaration.aliases ?? []),
];
