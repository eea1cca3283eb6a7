import { INSTALL, generatedBy, identifier, shQuote } from './quote.js';
import { allCommands, takesCommandLine, type ArgumentSpec, type CommandSpec, type OptionSpec, type ValueHint } from './spec.js';

// spec → a zsh completion function (`#compdef cronmon`): one function per command, each built
// on _arguments, so that zsh shows descriptions, hides options already given and completes
// `--option=value` as well as `--option value`. Works autoloaded from $fpath and sourced.

const functionName = (command: CommandSpec): string => (command.path === '' ? '_cronmon' : `_cronmon_${identifier(command.path)}`);

// Text inside an _arguments `[description]` or a message: brackets and colons are syntax there.
const describe = (text: string): string => text.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1');

// A word inside an _arguments `(a b c)` action, which zsh parses as shell words.
const listWord = (word: string): string => word.replace(/[^\w./@%+,=-]/g, '\\$&');

function action(hint: ValueHint): string {
  switch (hint.kind) {
    case 'choices':
      return `(${hint.values.map(listWord).join(' ')})`;
    case 'file':
      return '_files';
    case 'slug':
      return '_cronmon_slugs';
    case 'command':
      return '_command_names -e';
    case 'none':
      return ' ';
  }
}

function optionSpecs(option: OptionSpec): string[] {
  const description = `[${describe(option.description)}]`;
  const value = option.value === 'none' ? '' : `${option.value === 'optional' ? '::' : ':'}${describe(option.valueName || 'value')}:${action(option.hint)}`;
  const names = [option.short, option.long].filter((name): name is string => name !== undefined);
  // -e value / -evalue; --slug value / --slug=value, as commander accepts them.
  const spelled = (name: string) => (option.value === 'none' ? name : name.startsWith('--') ? `${name}=` : `${name}+`);
  if (names.length === 1) return [shQuote(`${spelled(names[0] ?? '')}${description}${value}`)];
  return [`${shQuote(`(${names.join(' ')})`)}{${names.map(spelled).join(',')}}${shQuote(`${description}${value}`)}`];
}

function argumentSpecs(command: CommandSpec): string[] {
  return command.arguments.flatMap((argument: ArgumentSpec, index) => {
    const message = describe(argument.name);
    if (argument.hint.kind === 'command') {
      // The job: a command name, then whatever that command completes (as for nice or sudo).
      return [shQuote(`(-)${index + 1}:${message}:_command_names -e`), shQuote('*::arguments:_cronmon_job')];
    }
    const last = index === command.arguments.length - 1;
    const position = argument.variadic && last ? '*' : String(index + 1);
    const optional = !argument.required && position !== '*' ? ':' : '';
    return [shQuote(`${position}:${optional}${message}:${action(argument.hint)}`)];
  });
}

function commandFunction(command: CommandSpec): string {
  const name = functionName(command);
  const options = command.options.flatMap(optionSpecs);
  if (command.subcommands.length === 0) {
    const flags = takesCommandLine(command) ? "-s -S -A '-*'" : '-s -S';
    return [
      `${name}() {`,
      `  _arguments ${flags} \\`,
      ...[...options, ...argumentSpecs(command)].map((spec) => `    ${spec} \\`),
      '    && return 0',
      '  return 1',
      '}',
    ].join('\n');
  }
  const label = command.path === '' ? 'cronmon' : `cronmon-${command.path.replace(/ /g, '-')}`;
  // _describe's `name:description`: backslashes are escapes in both, a colon ends the name.
  const describeItem = (sub: CommandSpec) => `${sub.name.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}:${sub.description.replace(/\\/g, '\\\\')}`;
  const commands = command.subcommands.map((sub) => `      ${shQuote(describeItem(sub))}`);
  const dispatch = command.subcommands.map((sub) => `        ${shQuote(sub.name)}) ${functionName(sub)} && ret=0 ;;`);
  return [
    `${name}() {`,
    '  local curcontext=$curcontext state state_descr line ret=1',
    '  typeset -A opt_args',
    ...(command.path === '' ? ['  local _cronmon_bin=${words[1]}'] : []),
    '  _arguments -C -s -S \\',
    ...options.map((spec) => `    ${spec} \\`),
    "    ': :->command' \\",
    "    '*:: :->argument' && ret=0",
    '  case $state in',
    '    command)',
    '      local -a commands=(',
    ...commands.map((line) => `  ${line}`),
    '      )',
    `      _describe -t commands ${shQuote(`${label.replace(/-/g, ' ')} command`)} commands && ret=0 ;;`,
    '    argument)',
    `      curcontext=\${curcontext%:*:*}:${label}-$words[1]:`,
    '      case $words[1] in',
    ...dispatch,
    '      esac ;;',
    '  esac',
    '  return ret',
    '}',
  ].join('\n');
}

export function zshScript(spec: CommandSpec): string {
  // Parents after their subcommands' functions, the entry point (_cronmon) last.
  const functions = allCommands(spec).reverse().map(commandFunction);
  return `#compdef cronmon
${generatedBy('zsh', INSTALL.zsh).join('\n')}
# Or, without $fpath: source <(cronmon completion zsh), after compinit.

# The monitor slugs of the config file (--config on the line, else the one cronmon would find).
_cronmon_slugs() {
  local bin=\${_cronmon_bin:-cronmon} config=\${(Q)opt_args[--config]-}
  local -a slugs args=(completion --slugs)
  bin=\${bin/#\\~/$HOME}
  [[ -n $config ]] && args+=(--config \${config/#\\~/$HOME})
  slugs=(\${(f)"$(_call_program slugs \${(q)bin} \${(q)args} 2>/dev/null)"})
  _wanted slugs expl 'monitor slug' compadd "$@" -a slugs
}

# The rest of exec's job, completed as that command would complete it (as for nice or sudo).
_cronmon_job() {
  if [[ $words[1] == -- ]]; then
    shift words
    (( CURRENT-- ))
  fi
  _normal
}

${functions.join('\n\n')}

if [[ \${zsh_eval_context[-1]-} == loadautofunc ]]; then
  _cronmon "$@"
else
  compdef _cronmon cronmon
fi
`;
}
