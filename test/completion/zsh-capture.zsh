# Prints the candidates zsh's completion offers for a command line, one per line, as a user
# pressing <TAB> would get them: starts an interactive zsh in a pseudo-terminal (zsh/zpty),
# runs compinit with the given directory first on $fpath, types the line and a <TAB>, and
# records every match that reaches compadd.
#
#   zsh -f zsh-capture.zsh <directory with _cronmon> <command line>
#
# With CAPTURE_SOURCE=<file>, that file is sourced after compinit instead (source-style install).
zmodload zsh/zpty || { print -u2 'zsh-capture: the zsh/zpty module is missing'; exit 3 }
setopt err_return no_unset

export CAPTURE_FPATH=$1 CAPTURE_MARK='@@capture@@' CAPTURE_SOURCE=${CAPTURE_SOURCE-}
local line=$2 setup=${TMPDIR:-/tmp}/cronmon-zsh-capture-$$.zsh out chunk

cat >$setup <<'SETUP'
PS1='' RPS1='' PROMPT_EOL_MARK=''
fpath=($CAPTURE_FPATH $fpath)
autoload -Uz compinit
compinit -u -D
[[ -n $CAPTURE_SOURCE ]] && source $CAPTURE_SOURCE
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
bindkey '^I' complete-word
# Every match added passes through here; calls that only compute (-O/-A/-D) are left alone.
compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  builtin compadd "$@"
  local ret=$? match
  local -a matches
  builtin compadd -O matches "$@"
  for match in $matches; do print -r -- "${CAPTURE_MARK}M:$match"; done
  return ret
}
_capture_end() { print -r -- "${CAPTURE_MARK}END"; exit 0 }
comppostfuncs=(_capture_end)
print -r -- "${CAPTURE_MARK}READY"
SETUP

zpty capture zsh -f -i
zpty -w capture "source ${(q)setup}"
out=''
while zpty -r capture chunk; do out+=$chunk; [[ $out == *"${CAPTURE_MARK}READY"* ]] && break; done
zpty -w -n capture "$line"$'\t'
out=''
while zpty -r capture chunk; do out+=$chunk; [[ $out == *"${CAPTURE_MARK}END"* ]] && break; done
zpty -d capture
rm -f $setup
for chunk in ${(f)out}; do
  chunk=${chunk//$'\r'/}
  [[ $chunk == *"${CAPTURE_MARK}M:"* ]] && print -r -- ${chunk#*${CAPTURE_MARK}M:}
done
return 0
