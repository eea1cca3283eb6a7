import { INSTALL, generatedBy, shQuote } from './quote.js';
import { allCommands, optionWords, type CommandSpec, type ValueHint } from './spec.js';

// spec → a bash completion script. It works without the bash-completion package (bash 3.2 and
// later); with it, the job after `exec --` is completed as that command would be
// (_command_offset, as for sudo).

const words = (list: readonly string[]): string => shQuote(list.join(' '));

// The shell code that completes a value of the given kind into COMPREPLY; "$3" is the word typed.
function hintCode(hint: ValueHint): string | undefined {
  switch (hint.kind) {
    case 'choices':
      return `__cronmon_reply "$3" ${hint.values.map(shQuote).join(' ')}`;
    case 'file':
      return '__cronmon_files "$3"';
    case 'slug':
      return '__cronmon_slugs "$3"';
    case 'command':
    case 'none':
      return undefined;
  }
}

// Case branches `pattern) code ;;`, joining the patterns that share their code.
function branches(entries: readonly (readonly [string, string | undefined])[], indent: string): string[] {
  const byCode = new Map<string, string[]>();
  for (const [pattern, code] of entries) {
    if (code === undefined) continue;
    byCode.set(code, [...(byCode.get(code) ?? []), pattern]);
  }
  return [...byCode].map(([code, patterns]) => `${indent}${patterns.join('|')}) ${code} ;;`);
}

export function bashScript(spec: CommandSpec): string {
  const commands = allCommands(spec);
  const tables = commands.map((command) => {
    const takesValue = command.options.filter((o) => o.value === 'required');
    const optionalValue = command.options.filter((o) => o.value === 'optional');
    const flagsOf = (list: typeof takesValue) => list.flatMap((o) => [o.long, o.short].filter((w): w is string => w !== undefined));
    const job = command.arguments.findIndex((a) => a.hint.kind === 'command');
    return [
      `    ${shQuote(command.path) || "''"})`,
      `      subs=${words(command.subcommands.map((s) => s.name)) || "''"}`,
      `      opts=${words(optionWords(command)) || "''"}`,
      `      vals=${words(flagsOf(takesValue)) || "''"} optvals=${words(flagsOf(optionalValue)) || "''"} job=${job < 0 ? "''" : job} ;;`,
    ].join('\n');
  });
  const optionValues = branches(
    commands.flatMap((command) =>
      command.options.flatMap((option) =>
        [option.long, option.short]
          .filter((w): w is string => w !== undefined)
          .map((word) => [shQuote(`${command.path} ${word}`), hintCode(option.hint)] as const),
      ),
    ),
    '    ',
  );
  const argumentValues = commands.flatMap((command) => {
    const cases = command.arguments.map((argument, index) => {
      const last = index === command.arguments.length - 1;
      return [argument.variadic && last ? '*' : String(index), hintCode(argument.hint)] as const;
    });
    const inner = branches(cases, '        ');
    return inner.length === 0 ? [] : [`    ${shQuote(command.path) || "''"})`, '      case $2 in', ...inner, '      esac ;;'];
  });

  return `${generatedBy('bash', INSTALL.bash).join('\n')}

# The command at path $1 ('' for cronmon itself, 'monitors list'…): its subcommands, its
# options, those that take a value (vals) or may take one (optvals), and the index of the
# argument that starts a command line of its own (job).
__cronmon_command() {
  case $1 in
${tables.join('\n')}
    *) subs='' opts='' vals='' optvals='' job='' ;;
  esac
}

# Completes the value of option $2 of command $1; $3 is what was typed of it.
__cronmon_option_value() {
  case "$1 $2" in
${optionValues.join('\n')}
  esac
}

# Completes argument number $2 (from 0) of command $1.
__cronmon_argument() {
  case $1 in
${argumentValues.join('\n')}
  esac
}

__cronmon_has() { [[ " $1 " == *" $2 "* ]]; }

# Adds the words after $1 that start with $1 to COMPREPLY, escaped for the shell unless $1
# opened a quote.
__cronmon_reply() {
  local cur=$1 typed=$1 word
  shift
  case $typed in
    \\'*) typed=\${typed#\\'} ;;
    \\"*) typed=\${typed#\\"} ;;
    *) typed=\${typed//\\\\/} ;;
  esac
  for word in "$@"; do
    [[ $word == "$typed"* ]] || continue
    if [[ $word == *[!A-Za-z0-9_./@%+,:=-]* && $cur != [\\'\\"]* ]]; then printf -v word '%q' "$word"; fi
    COMPREPLY+=("$word")
  done
}

__cronmon_files() {
  local IFS=$'\\n'
  compopt -o filenames 2>/dev/null
  COMPREPLY+=($(compgen -f -- "$1"))
}

# The monitor slugs of the config file (--config on the line, else the one cronmon would find).
__cronmon_slugs() {
  local IFS=$'\\n' bin=\${COMP_WORDS[0]} slugs
  local -a args=(completion --slugs)
  [[ $bin == '~/'* ]] && bin=$HOME/\${bin#'~/'}
  [[ -n $config ]] && args+=(--config "$config")
  slugs=$("$bin" "\${args[@]}" 2>/dev/null) || return 0
  COMPREPLY+=($(compgen -W "$slugs" -- "$1"))
}

# The command line of a job, from word $1 on: completed as that command would be.
__cronmon_job() {
  if declare -F _command_offset >/dev/null; then
    _command_offset "$1"
  elif (( $1 == COMP_CWORD )); then
    local IFS=$'\\n'
    COMPREPLY=($(compgen -c -- "$cur" | LC_ALL=C sort -u))
  else
    __cronmon_files "$cur"
  fi
}

_cronmon() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path='' subs opts vals optvals job
  local i=1 word npos=0 ddash=0 value_of='' config=''
  COMPREPLY=()
  __cronmon_command ''
  while (( i < COMP_CWORD )); do
    word=\${COMP_WORDS[i]}
    if (( ddash )); then
      (( npos++ ))
    elif [[ $word == -- ]]; then
      ddash=1
      if [[ -n $job ]]; then __cronmon_job $((i + 1)); return 0; fi
    elif [[ $word == -?* ]]; then
      if [[ $word == --*=* ]]; then
        [[ $word == --config=* ]] && config=\${word#*=}
      elif [[ \${COMP_WORDS[i+1]} == = ]] && __cronmon_has "$vals $optvals" "$word"; then
        # --option=value, which bash splits at the '=' (COMP_WORDBREAKS)
        if (( i + 2 >= COMP_CWORD )); then
          value_of=$word
          (( i + 1 == COMP_CWORD )) && cur=''
          break
        fi
        [[ $word == --config ]] && config=\${COMP_WORDS[i+2]}
        (( i += 2 ))
      elif __cronmon_has "$vals" "$word" || { __cronmon_has "$optvals" "$word" && [[ \${COMP_WORDS[i+1]} != -* ]]; }; then
        if (( i + 1 == COMP_CWORD )); then value_of=$word; break; fi
        [[ $word == --config ]] && config=\${COMP_WORDS[i+1]}
        (( i++ ))
      fi
    elif (( npos == 0 )) && __cronmon_has "$subs" "$word"; then
      path=\${path:+$path }$word
      __cronmon_command "$path"
    else
      if [[ $job == "$npos" ]]; then __cronmon_job "$i"; return 0; fi
      (( npos++ ))
    fi
    (( i++ ))
  done
  [[ $config == '~/'* ]] && config=$HOME/\${config#'~/'}

  if [[ -n $value_of ]]; then
    __cronmon_option_value "$path" "$value_of" "$cur"
  elif (( ! ddash )) && [[ $cur == --*=* ]]; then
    __cronmon_option_value "$path" "\${cur%%=*}" "\${cur#*=}"
    (( \${#COMPREPLY[@]} )) && COMPREPLY=("\${COMPREPLY[@]/#/\${cur%%=*}=}")
  elif (( ! ddash )) && [[ $cur == -* ]]; then
    __cronmon_reply "$cur" $opts
  elif (( npos == 0 && ! ddash )) && [[ -n $subs ]]; then
    __cronmon_reply "$cur" $subs
  elif [[ $job == "$npos" ]]; then
    __cronmon_job "$COMP_CWORD"
  else
    __cronmon_argument "$path" "$npos" "$cur"
  fi
  return 0
}

complete -F _cronmon cronmon
`;
}
