import { Option, type Command } from 'commander';
import type { Flag, FlagValues } from '../config/flag.js';

// commander's options, built from the declarations in src/config/flags.ts.
export function addFlags(command: Command, declarations: readonly Flag[]): Command {
  for (const declaration of declarations) {
    const option = new Option(flagsText(declaration, declaration.long), helpText(declaration));
    if (declaration.choices) option.choices(declaration.choices);
    if (declaration.parse) option.argParser(declaration.parse);
    else if (declaration.takes === 'values') option.argParser(collect);
    if (declaration.defaultValue !== undefined) option.default(declaration.defaultValue);
    if (declaration.hidden === true) option.hideHelp();
    command.addOption(option);
    for (const alias of declaration.aliases ?? []) addAlias(command, flagsText({ ...declaration, short: undefined }, alias), declaration.key);
  }
  return command;
}

// What an action receives: commander's option values, which addFlags built from the same
// declarations (test/cli/options.test.ts checks every key against commander's attribute name).
export const flagsOf = <Flags extends readonly Flag[]>(command: Command): FlagValues<Flags> => command.opts();

function flagsText(declaration: Pick<Flag, 'takes' | 'placeholder'> & { short?: string | undefined }, long: string): string {
  const names = declaration.short === undefined ? long : `${declaration.short}, ${long}`;
  const placeholder = declaration.placeholder ?? 'value';
  if (declaration.takes === 'nothing') return names;
  return declaration.takes === 'optional value' ? `${names} [${placeholder}]` : `${names} <${placeholder}>`;
}

// "…never printed (env: SENTRY_AUTH_TOKEN, or [auth] token in .sentryclirc)"; a switch's
// variable is shown set: CRONMON_QUIET=1.
function helpText(declaration: Flag): string {
  const names = (declaration.env ?? []).map((name) => (declaration.takes === 'nothing' ? `${name}=1` : name));
  const where = [...(names.length > 0 ? [names.join(', ')] : []), ...(declaration.elsewhere === undefined ? [] : [`or ${declaration.elsewhere}`])];
  return where.length === 0 ? declaration.help : `${declaration.help} (env: ${where.join(', ')})`;
}

// Repeatable options collect their values in order.
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

// Another name for an option: accepted and completed nowhere, it sets the option it stands for.
function addAlias(command: Command, flags: string, attribute: string): void {
  const alias = new Option(flags).hideHelp();
  command.addOption(alias);
  command.on(`option:${alias.name()}`, (value: string) => command.setOptionValueWithSource(attribute, value, 'cli'));
}
