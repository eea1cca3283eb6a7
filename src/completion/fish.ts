import { INSTALL, fishQuote, generatedBy } from './quote.js';
import { allCommands, optionWords, type CommandSpec, type OptionSpec, type ValueHint } from './spec.js';

// spec → a fish completion script: `complete -c cronmon` lines whose conditions ask one helper,
// __cronmon_state, where the command line is (which (sub)command, how many of its arguments
// are given, whether exec's job has started). Unlike __fish_seen_subcommand_from, that helper
// knows which options take a value, so `--slug exec` or the job after `exec --` never count as
// subcommands.

// A word of a fish list that `complete -a` expands later: everything but plain characters escaped.
const listWord = (word: string): string => word.replace(/[^\w./@%+,=:-]/g, '\\$&');
const list = (words: readonly string[]): string => fishQuote(words.map(listWord).join(' '));

function hintFlags(hint: ValueHint): string {
  switch (hint.kind) {
    case 'choices':
      return `-f -a ${list(hint.values)}`;
    case 'file':
      return '-F';
    case 'slug':
      return "-f -a '(__cronmon_slugs)'";
    case 'command':
    case 'none':
      return '-f';
  }
}

function optionLine(command: CommandSpec, option: OptionSpec): string {
  const parts = ['complete -c cronmon', '-n', fishQuote(`__cronmon_at ${fishQuote(command.path)}`)];
  if (option.short !== undefined) parts.push('-s', option.short.slice(1));
  if (option.long !== undefined) parts.push('-l', option.long.slice(2));
  if (option.value === 'required') parts.push('-r', hintFlags(option.hint));
  // fish has no optional option values: offer the hint for the next word all the same.
  else if (option.value === 'optional') parts.push(hintFlags(option.hint));
  if (option.description !== '') parts.push('-d', fishQuote(option.description));
  return parts.join(' ');
}

function commandLines(command: CommandSpec): string[] {
  const atArgument = (position: string) => fishQuote(`__cronmon_at_argument ${fishQuote(command.path)} ${position}`);
  const lines = [`# cronmon${command.path === '' ? '' : ` ${command.path}`}`];
  for (const sub of command.subcommands) {
    lines.push(`complete -c cronmon -n ${atArgument('0')} -f -a ${fishQuote(sub.name)} -d ${fishQuote(sub.description)}`);
  }
  for (const option of command.options) lines.push(optionLine(command, option));
  command.arguments.forEach((argument, index) => {
    if (argument.hint.kind === 'none' || argument.hint.kind === 'command') return;
    const last = index === command.arguments.length - 1;
    const position = argument.variadic && last ? `${index}+` : String(index);
    lines.push(`complete -c cronmon -n ${atArgument(position)} ${hintFlags(argument.hint)}`);
  });
  return lines;
}

// The walker's tables: per command path, its subcommands, the options that take a value
// (vals) or may take one (optvals), and the index of the argument that starts a job.
function tables(commands: readonly CommandSpec[]): string[] {
  const words = (values: readonly string[]) => values.map(fishQuote).join(' ');
  const flagsOf = (options: readonly OptionSpec[]) => optionWords({ ...(commands[0] as CommandSpec), options });
  return commands.flatMap((command) => {
    const job = command.arguments.findIndex((argument) => argument.hint.kind === 'command');
    return [
      `        case ${fishQuote(command.path)}`,
      `            set subs ${words(command.subcommands.map((sub) => sub.name))}`,
      `            set vals ${words(flagsOf(command.options.filter((o) => o.value === 'required')))}`,
      `            set optvals ${words(flagsOf(command.options.filter((o) => o.value === 'optional')))}`,
      `            set job ${job < 0 ? "''" : job}`,
    ];
  });
}

export function fishScript(spec: CommandSpec): string {
  const commands = allCommands(spec);
  return `${generatedBy('fish', INSTALL.fish).join('\n')}

function __cronmon_command --no-scope-shadowing --argument-names path
    switch $path
${tables(commands).join('\n')}
        case '*'
            set subs
            set vals
            set optvals
            set job ''
    end
end

# Reads the words before the cursor into __cronmon_path (the command: '' for cronmon itself,
# 'monitors list'…), __cronmon_npos (its arguments so far), __cronmon_job_at (the index of the
# first word of exec's job, once it has started), __cronmon_job (the argument index a job
# starts at) and __cronmon_ddash (after --). Cached: every condition below asks.
function __cronmon_state
    set -l tokens (commandline -opc)
    set -l key (string join \\n -- $tokens)
    test "$key" = "$__cronmon_state_key"; and return 0
    set -l path ''
    set -l npos 0
    set -l ddash 0
    set -l job_at ''
    set -l subs
    set -l vals
    set -l optvals
    set -l job
    __cronmon_command ''
    set -l n (count $tokens)
    set -l i 2
    while test $i -le $n
        set -l word $tokens[$i]
        if test $ddash = 1
            set npos (math $npos + 1)
        else if test "$word" = --
            set ddash 1
            if test -n "$job"
                set job_at (math $i + 1)
                break
            end
        else if string match -q -- '-?*' $word
            if string match -q -- '--*=*' $word
                # --option=value
            else if contains -- $word $vals
                set i (math $i + 1)
            else if contains -- $word $optvals; and test $i -lt $n; and not string match -q -- '-*' $tokens[(math $i + 1)]
                set i (math $i + 1)
            end
        else if test $npos = 0; and contains -- $word $subs
            set path (string trim -- "$path $word")
            __cronmon_command $path
        else if test "$job" = "$npos"
            set job_at $i
            break
        else
            set npos (math $npos + 1)
        end
        set i (math $i + 1)
    end
    set -g __cronmon_state_key $key
    set -g __cronmon_path $path
    set -g __cronmon_npos $npos
    set -g __cronmon_job_at $job_at
    set -g __cronmon_job $job
    set -g __cronmon_ddash $ddash
end

# The options and subcommands of command $argv[1] apply here.
function __cronmon_at
    __cronmon_state
    test "$__cronmon_path" = "$argv[1]"; and test -z "$__cronmon_job_at"; and test $__cronmon_ddash = 0
end

# The word being typed is argument $argv[2] (from 0; '2+': 2 or later) of command $argv[1].
function __cronmon_at_argument
    __cronmon_state
    test "$__cronmon_path" = "$argv[1]"; and test -z "$__cronmon_job_at"; or return 1
    if string match -q -- '*+' $argv[2]
        test $__cronmon_npos -ge (string trim -r -c + -- $argv[2])
    else
        test $__cronmon_npos = $argv[2]
    end
end

# The word being typed belongs to exec's job: after --, after its first word, or its first word.
function __cronmon_in_job
    __cronmon_state
    test -n "$__cronmon_job_at"; and return 0
    test "$__cronmon_job" = "$__cronmon_npos"; and not string match -q -- '-*' (commandline -ct)
end

# Completes the job as its own command line (as sudo's completion does).
function __cronmon_complete_job
    __cronmon_state
    set -l tokens (commandline -opc)
    set -l job
    if test -n "$__cronmon_job_at"; and test $__cronmon_job_at -le (count $tokens)
        set job $tokens[$__cronmon_job_at..-1]
    end
    complete -C (string join -- ' ' (string escape -- $job) (commandline -ct))
end

# The monitor slugs of the config file (--config on the line, else the one cronmon would find).
function __cronmon_slugs
    set -l tokens (commandline -opc)
    set -l bin (string replace -r -- '^~/' "$HOME/" $tokens[1])
    set -l args completion --slugs
    set -l n (count $tokens)
    for i in (seq 2 $n)
        switch $tokens[$i]
            case --
                break
            case '--config=*'
                set args completion --slugs --config (string replace -- '--config=' '' $tokens[$i])
            case --config
                test $i -lt $n; and set args completion --slugs --config $tokens[(math $i + 1)]
        end
    end
    set args (string replace -r -- '^~/' "$HOME/" $args)
    $bin $args 2>/dev/null
end

# Files only where a file is asked for.
complete -c cronmon -f
complete -c cronmon -n __cronmon_in_job -f -a '(__cronmon_complete_job)'

${commands.map((command) => commandLines(command).join('\n')).join('\n\n')}
`;
}
