# bash completion for cronmon, generated from its commands by `cronmon completion bash`. Do not edit:
# regenerate it with that command (in the cronmon repository: npm run completions).
# Install: cronmon completion bash > ~/.local/share/bash-completion/completions/cronmon

# The command at path $1 ('' for cronmon itself, 'monitors list'…): its subcommands, its
# options, those that take a value (vals) or may take one (optvals), and the index of the
# argument that starts a command line of its own (job).
__cronmon_command() {
  case $1 in
    '')
      subs='exec heartbeat upsert monitors listen crontab doctor completion help'
      opts='--version -V --help -h'
      vals='' optvals='' job='' ;;
    exec)
      subs=''
      opts='--dsn --environment -e --slug --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --tail-bytes --no-log --no-server-name --log-on --send-timeout --timeout --kill-grace --lock --lock-wait --dry-run --proxy --header --config --quiet -q --verbose -v --help -h'
      vals='--dsn --environment -e --slug --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --tail-bytes --log-on --send-timeout --timeout --kill-grace --lock-wait --proxy --header --config' optvals=--lock job=0 ;;
    heartbeat)
      subs=''
      opts='--dsn --environment -e --slug --status --duration --check-in-id --send-timeout --json --dry-run --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --proxy --header --config --quiet -q --verbose -v --help -h'
      vals='--dsn --environment -e --slug --status --duration --check-in-id --send-timeout --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --proxy --header --config' optvals='' job='' ;;
    upsert)
      subs=''
      opts='--slug --name --muted --no-muted --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --auth-token --org --project --url --via --dsn --environment -e --dry-run --json --proxy --header --config --quiet -q --verbose -v --help -h'
      vals='--slug --name --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --auth-token --org --project --url --via --dsn --environment -e --proxy --header --config' optvals='' job='' ;;
    monitors)
      subs='list run help'
      opts='--help -h'
      vals='' optvals='' job='' ;;
    'monitors list')
      subs=''
      opts='--auth-token --org --project --url --json --proxy --header --config --quiet -q --verbose -v --help -h'
      vals='--auth-token --org --project --url --proxy --header --config' optvals='' job='' ;;
    'monitors run')
      subs=''
      opts='--dsn --environment -e --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --tail-bytes --no-log --no-server-name --log-on --send-timeout --timeout --kill-grace --lock --lock-wait --dry-run --proxy --header --config --quiet -q --verbose -v --help -h'
      vals='--dsn --environment -e --schedule -s --interval --timezone --checkin-margin --max-runtime --failure-threshold --recovery-threshold --owner --tail-bytes --log-on --send-timeout --timeout --kill-grace --lock-wait --proxy --header --config' optvals=--lock job=1 ;;
    'monitors help')
      subs=''
      opts=''
      vals='' optvals='' job='' ;;
    listen)
      subs=''
      opts='--port --host --json --verbose -v --help -h'
      vals='--port --host' optvals='' job='' ;;
    crontab)
      subs=''
      opts='--system --apply --json --cronmon-path --timezone --quiet -q --help -h'
      vals='--cronmon-path --timezone' optvals='' job='' ;;
    doctor)
      subs=''
      opts='--dsn --auth-token --org --url --json --proxy --header --config --quiet -q --verbose -v --help -h'
      vals='--dsn --auth-token --org --url --proxy --header --config' optvals='' job='' ;;
    completion)
      subs=''
      opts='--help -h'
      vals='' optvals='' job='' ;;
    help)
      subs=''
      opts=''
      vals='' optvals='' job='' ;;
    *) subs='' opts='' vals='' optvals='' job='' ;;
  esac
}

# Completes the value of option $2 of command $1; $3 is what was typed of it.
__cronmon_option_value() {
  case "$1 $2" in
    'exec --slug'|'heartbeat --slug'|'upsert --slug') __cronmon_slugs "$3" ;;
    'exec --interval'|'heartbeat --interval'|'upsert --interval'|'monitors run --interval') __cronmon_reply "$3" '1 minute' '5 minutes' '10 minutes' '15 minutes' '30 minutes' '1 hour' '2 hours' '6 hours' '12 hours' '1 day' '1 week' '1 month' '1 year' ;;
    'exec --log-on'|'monitors run --log-on') __cronmon_reply "$3" error always ;;
    'exec --lock'|'exec --config'|'heartbeat --config'|'upsert --config'|'monitors list --config'|'monitors run --lock'|'monitors run --config'|'crontab --cronmon-path'|'doctor --config') __cronmon_files "$3" ;;
    'heartbeat --status') __cronmon_reply "$3" ok error in_progress ;;
    'upsert --via') __cronmon_reply "$3" api checkin ;;
  esac
}

# Completes argument number $2 (from 0) of command $1.
__cronmon_argument() {
  case $1 in
    'monitors help')
      case $2 in
        0) __cronmon_reply "$3" list run ;;
      esac ;;
    crontab)
      case $2 in
        *) __cronmon_files "$3" ;;
      esac ;;
    completion)
      case $2 in
        0) __cronmon_reply "$3" bash zsh fish ;;
      esac ;;
    help)
      case $2 in
        0) __cronmon_reply "$3" exec heartbeat upsert monitors listen crontab doctor completion ;;
      esac ;;
  esac
}

__cronmon_has() { [[ " $1 " == *" $2 "* ]]; }

# Adds the words after $1 that start with $1 to COMPREPLY, escaped for the shell unless $1
# opened a quote.
__cronmon_reply() {
  local cur=$1 typed=$1 word
  shift
  case $typed in
    \'*) typed=${typed#\'} ;;
    \"*) typed=${typed#\"} ;;
    *) typed=${typed//\\/} ;;
  esac
  for word in "$@"; do
    [[ $word == "$typed"* ]] || continue
    if [[ $word == *[!A-Za-z0-9_./@%+,:=-]* && $cur != [\'\"]* ]]; then printf -v word '%q' "$word"; fi
    COMPREPLY+=("$word")
  done
}

__cronmon_files() {
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  COMPREPLY+=($(compgen -f -- "$1"))
}

# The monitor slugs of the config file (--config on the line, else the one cronmon would find).
__cronmon_slugs() {
  local IFS=$'\n' bin=${COMP_WORDS[0]} slugs
  local -a args=(completion --slugs)
  [[ $bin == '~/'* ]] && bin=$HOME/${bin#'~/'}
  [[ -n $config ]] && args+=(--config "$config")
  slugs=$("$bin" "${args[@]}" 2>/dev/null) || return 0
  COMPREPLY+=($(compgen -W "$slugs" -- "$1"))
}

# The command line of a job, from word $1 on: completed as that command would be.
__cronmon_job() {
  if declare -F _command_offset >/dev/null; then
    _command_offset "$1"
  elif (( $1 == COMP_CWORD )); then
    local IFS=$'\n'
    COMPREPLY=($(compgen -c -- "$cur" | LC_ALL=C sort -u))
  else
    __cronmon_files "$cur"
  fi
}

_cronmon() {
  local cur=${COMP_WORDS[COMP_CWORD]} path='' subs opts vals optvals job
  local i=1 word npos=0 ddash=0 value_of='' config=''
  COMPREPLY=()
  __cronmon_command ''
  while (( i < COMP_CWORD )); do
    word=${COMP_WORDS[i]}
    if (( ddash )); then
      (( npos++ ))
    elif [[ $word == -- ]]; then
      ddash=1
      if [[ -n $job ]]; then __cronmon_job $((i + 1)); return 0; fi
    elif [[ $word == -?* ]]; then
      if [[ $word == --*=* ]]; then
        [[ $word == --config=* ]] && config=${word#*=}
      elif [[ ${COMP_WORDS[i+1]} == = ]] && __cronmon_has "$vals $optvals" "$word"; then
        # --option=value, which bash splits at the '=' (COMP_WORDBREAKS)
        if (( i + 2 >= COMP_CWORD )); then
          value_of=$word
          (( i + 1 == COMP_CWORD )) && cur=''
          break
        fi
        [[ $word == --config ]] && config=${COMP_WORDS[i+2]}
        (( i += 2 ))
      elif __cronmon_has "$vals" "$word" || { __cronmon_has "$optvals" "$word" && [[ ${COMP_WORDS[i+1]} != -* ]]; }; then
        if (( i + 1 == COMP_CWORD )); then value_of=$word; break; fi
        [[ $word == --config ]] && config=${COMP_WORDS[i+1]}
        (( i++ ))
      fi
    elif (( npos == 0 )) && __cronmon_has "$subs" "$word"; then
      path=${path:+$path }$word
      __cronmon_command "$path"
    else
      if [[ $job == "$npos" ]]; then __cronmon_job "$i"; return 0; fi
      (( npos++ ))
    fi
    (( i++ ))
  done
  [[ $config == '~/'* ]] && config=$HOME/${config#'~/'}

  if [[ -n $value_of ]]; then
    __cronmon_option_value "$path" "$value_of" "$cur"
  elif (( ! ddash )) && [[ $cur == --*=* ]]; then
    __cronmon_option_value "$path" "${cur%%=*}" "${cur#*=}"
    (( ${#COMPREPLY[@]} )) && COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
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
