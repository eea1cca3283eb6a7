# fish completion for cronmon, generated from its commands by `cronmon completion fish`. Do not edit:
# regenerate it with that command (in the cronmon repository: npm run completions).
# Install: cronmon completion fish > ~/.config/fish/completions/cronmon.fish

function __cronmon_command --no-scope-shadowing --argument-names path
    switch $path
        case ''
            set subs 'exec' 'heartbeat' 'upsert' 'monitors' 'listen' 'crontab' 'doctor' 'completion' 'help'
            set vals 
            set optvals 
            set job ''
        case 'exec'
            set subs 
            set vals '--dsn' '--environment' '-e' '--slug' '--schedule' '-s' '--interval' '--timezone' '--checkin-margin' '--max-runtime' '--failure-threshold' '--recovery-threshold' '--owner' '--tail-bytes' '--log-on' '--send-timeout' '--timeout' '--kill-grace' '--lock-wait' '--proxy' '--header' '--config'
            set optvals '--lock'
            set job 0
        case 'heartbeat'
            set subs 
            set vals '--dsn' '--environment' '-e' '--slug' '--status' '--duration' '--check-in-id' '--send-timeout' '--schedule' '-s' '--interval' '--timezone' '--checkin-margin' '--max-runtime' '--failure-threshold' '--recovery-threshold' '--owner' '--proxy' '--header' '--config'
            set optvals 
            set job ''
        case 'upsert'
            set subs 
            set vals '--slug' '--name' '--schedule' '-s' '--interval' '--timezone' '--checkin-margin' '--max-runtime' '--failure-threshold' '--recovery-threshold' '--owner' '--auth-token' '--org' '--project' '--url' '--via' '--dsn' '--environment' '-e' '--proxy' '--header' '--config'
            set optvals 
            set job ''
        case 'monitors'
            set subs 'list' 'run' 'help'
            set vals 
            set optvals 
            set job ''
        case 'monitors list'
            set subs 
            set vals '--auth-token' '--org' '--project' '--url' '--proxy' '--header' '--config'
            set optvals 
            set job ''
        case 'monitors run'
            set subs 
            set vals '--dsn' '--environment' '-e' '--schedule' '-s' '--interval' '--timezone' '--checkin-margin' '--max-runtime' '--failure-threshold' '--recovery-threshold' '--owner' '--tail-bytes' '--log-on' '--send-timeout' '--timeout' '--kill-grace' '--lock-wait' '--proxy' '--header' '--config'
            set optvals '--lock'
            set job 1
        case 'monitors help'
            set subs 
            set vals 
            set optvals 
            set job ''
        case 'listen'
            set subs 
            set vals '--port' '--host'
            set optvals 
            set job ''
        case 'crontab'
            set subs 
            set vals '--cronmon-path' '--timezone'
            set optvals 
            set job ''
        case 'doctor'
            set subs 
            set vals '--dsn' '--auth-token' '--org' '--url' '--proxy' '--header' '--config'
            set optvals 
            set job ''
        case 'completion'
            set subs 
            set vals 
            set optvals 
            set job ''
        case 'help'
            set subs 
            set vals 
            set optvals 
            set job ''
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
    set -l key (string join \n -- $tokens)
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

# cronmon
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'exec' -d 'run a job and report it to Sentry Crons: in_progress when it starts, ok/error with the duration when it ends'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'heartbeat' -d 'send one check-in (ok by default); --status in_progress prints the id to close it with later'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'upsert' -d 'create or update a monitor (--slug), or every monitor declared in the config file'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'monitors' -d 'manage Sentry cron monitors'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'listen' -d 'run a local Sentry Crons receiver that shows, and checks, what Sentry would get'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'crontab' -d 'find the jobs of a crontab and show them wrapped in `cronmon exec`; --apply writes that back'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'doctor' -d 'check what cron will see (DSN, Sentry, clock, time zone, node on cron\'s PATH, cache and lock directories, auth token); exit 1 when a check fails'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'completion' -d 'print a shell completion script (bash, zsh or fish) on stdout'
complete -c cronmon -n '__cronmon_at_argument \'\' 0' -f -a 'help' -d 'display help for command'
complete -c cronmon -n '__cronmon_at \'\'' -s V -l version -d 'output the version number'
complete -c cronmon -n '__cronmon_at \'\'' -s h -l help -d 'display help for command'

# cronmon exec
complete -c cronmon -n '__cronmon_at \'exec\'' -l dsn -r -f -d 'Sentry DSN to report to; never printed (env: SENTRY_DSN)'
complete -c cronmon -n '__cronmon_at \'exec\'' -s e -l environment -r -f -d 'environment of the check-ins, default production (env: SENTRY_ENVIRONMENT)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l slug -r -f -a '(__cronmon_slugs)' -d 'monitor slug, normalised as Sentry does (env: CRONMON_SLUG)'
complete -c cronmon -n '__cronmon_at \'exec\'' -s s -l schedule -r -f -d 'crontab schedule to create/update the monitor with, e.g. \'0 3 * * *\' or @daily'
complete -c cronmon -n '__cronmon_at \'exec\'' -l interval -r -f -a '1\\ minute 5\\ minutes 10\\ minutes 15\\ minutes 30\\ minutes 1\\ hour 2\\ hours 6\\ hours 12\\ hours 1\\ day 1\\ week 1\\ month 1\\ year' -d 'interval schedule instead of a crontab, e.g. \'10 minutes\''
complete -c cronmon -n '__cronmon_at \'exec\'' -l timezone -r -f -d 'time zone of the schedule, e.g. Europe/Vienna'
complete -c cronmon -n '__cronmon_at \'exec\'' -l checkin-margin -r -f -d 'minutes a check-in may be late before it counts as missed (0-40320)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l max-runtime -r -f -d 'minutes a run may take before it counts as timed out (1-10080)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l failure-threshold -r -f -d 'failed runs in a row before an issue is opened (1-720)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l recovery-threshold -r -f -d 'successful runs in a row before the issue is resolved (1-720)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l owner -r -f -d 'owner of the monitor: user:<id> or team:<id>'
complete -c cronmon -n '__cronmon_at \'exec\'' -l tail-bytes -r -f -d 'bytes of output kept for the failure report (max 102400)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l no-log -d 'never send output to Sentry'
complete -c cronmon -n '__cronmon_at \'exec\'' -l no-server-name -d 'leave this host\'s name out of failure events'
complete -c cronmon -n '__cronmon_at \'exec\'' -l log-on -r -f -a 'error always' -d 'when to send the output tail'
complete -c cronmon -n '__cronmon_at \'exec\'' -l send-timeout -r -f -d 'bound on delivery, retries included: the open check-in has this long while the job runs, all that is left after the job shares one deadline this long (500ms, 5s…)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l timeout -r -f -d 'SIGTERM the job\'s process group after this long (30s, 15m, 2h…); reported error, exit 124'
complete -c cronmon -n '__cronmon_at \'exec\'' -l kill-grace -r -f -d 'after --timeout, SIGKILL what is left after this long (default 10s)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l lock -F -d 'do not start while another run of this slug+environment holds the lock: print one line, exit 75'
complete -c cronmon -n '__cronmon_at \'exec\'' -l lock-wait -r -f -d 'wait up to this long (30s, 15m…) for the lock instead; implies --lock'
complete -c cronmon -n '__cronmon_at \'exec\'' -l dry-run -d 'run the job, print the envelopes that would be sent on stderr, send nothing'
complete -c cronmon -n '__cronmon_at \'exec\'' -l proxy -r -f -d 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed (env: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)'
complete -c cronmon -n '__cronmon_at \'exec\'' -l header -r -f -d 'extra request header \'Name: value\', repeatable; values never printed'
complete -c cronmon -n '__cronmon_at \'exec\'' -l config -r -F -d 'config file to use instead of searching for one (env: CRONMON_CONFIG)'
complete -c cronmon -n '__cronmon_at \'exec\'' -s q -l quiet -d 'no notices; errors still go to stderr (env: CRONMON_QUIET=1)'
complete -c cronmon -n '__cronmon_at \'exec\'' -s v -l verbose -d 'one line per request on stderr, secrets masked (env: CRONMON_DEBUG=1)'
complete -c cronmon -n '__cronmon_at \'exec\'' -s h -l help -d 'display help for command'

# cronmon heartbeat
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l dsn -r -f -d 'Sentry DSN to report to; never printed (env: SENTRY_DSN)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -s e -l environment -r -f -d 'environment of the check-ins, default production (env: SENTRY_ENVIRONMENT)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l slug -r -f -a '(__cronmon_slugs)' -d 'monitor slug, normalised as Sentry does (env: CRONMON_SLUG)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l status -r -f -a 'ok error in_progress' -d 'status of the check-in'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l duration -r -f -d 'duration of the run in seconds (for ok/error)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l check-in-id -r -f -d 'close the run opened by `heartbeat --status in_progress`, which printed this id'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l send-timeout -r -f -d 'hard bound on the delivery, retries included, e.g. 500ms, 5s'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l json -d 'print the check-in as JSON on stdout'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l dry-run -d 'print the envelope that would be sent on stderr, send nothing'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -s s -l schedule -r -f -d 'crontab schedule to create/update the monitor with, e.g. \'0 3 * * *\' or @daily'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l interval -r -f -a '1\\ minute 5\\ minutes 10\\ minutes 15\\ minutes 30\\ minutes 1\\ hour 2\\ hours 6\\ hours 12\\ hours 1\\ day 1\\ week 1\\ month 1\\ year' -d 'interval schedule instead of a crontab, e.g. \'10 minutes\''
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l timezone -r -f -d 'time zone of the schedule, e.g. Europe/Vienna'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l checkin-margin -r -f -d 'minutes a check-in may be late before it counts as missed (0-40320)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l max-runtime -r -f -d 'minutes a run may take before it counts as timed out (1-10080)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l failure-threshold -r -f -d 'failed runs in a row before an issue is opened (1-720)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l recovery-threshold -r -f -d 'successful runs in a row before the issue is resolved (1-720)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l owner -r -f -d 'owner of the monitor: user:<id> or team:<id>'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l proxy -r -f -d 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed (env: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l header -r -f -d 'extra request header \'Name: value\', repeatable; values never printed'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -l config -r -F -d 'config file to use instead of searching for one (env: CRONMON_CONFIG)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -s q -l quiet -d 'no notices; errors still go to stderr (env: CRONMON_QUIET=1)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -s v -l verbose -d 'one line per request on stderr, secrets masked (env: CRONMON_DEBUG=1)'
complete -c cronmon -n '__cronmon_at \'heartbeat\'' -s h -l help -d 'display help for command'

# cronmon upsert
complete -c cronmon -n '__cronmon_at \'upsert\'' -l slug -r -f -a '(__cronmon_slugs)' -d 'the monitor to create or update; without it, all monitors of the config file'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l name -r -f -d 'display name of the monitor (API only)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l muted -d 'mute the monitor (API only)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l no-muted -d 'unmute the monitor (API only)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -s s -l schedule -r -f -d 'crontab schedule to create/update the monitor with, e.g. \'0 3 * * *\' or @daily'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l interval -r -f -a '1\\ minute 5\\ minutes 10\\ minutes 15\\ minutes 30\\ minutes 1\\ hour 2\\ hours 6\\ hours 12\\ hours 1\\ day 1\\ week 1\\ month 1\\ year' -d 'interval schedule instead of a crontab, e.g. \'10 minutes\''
complete -c cronmon -n '__cronmon_at \'upsert\'' -l timezone -r -f -d 'time zone of the schedule, e.g. Europe/Vienna'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l checkin-margin -r -f -d 'minutes a check-in may be late before it counts as missed (0-40320)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l max-runtime -r -f -d 'minutes a run may take before it counts as timed out (1-10080)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l failure-threshold -r -f -d 'failed runs in a row before an issue is opened (1-720)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l recovery-threshold -r -f -d 'successful runs in a row before the issue is resolved (1-720)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l owner -r -f -d 'owner of the monitor: user:<id> or team:<id>'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l auth-token -r -f -d 'Sentry auth token; never printed (env: SENTRY_AUTH_TOKEN, or [auth] token in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l org -r -f -d 'organization slug (env: SENTRY_ORG, or [defaults] org in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l project -r -f -d 'project slug (env: SENTRY_PROJECT, or [defaults] project in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l url -r -f -d 'Sentry URL for API calls, default https://sentry.io/ (env: SENTRY_URL)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l via -r -f -a 'api checkin' -d 'api: the REST API with an auth token; checkin: an ok check-in carrying the config, with the DSN'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l dsn -r -f -d 'DSN for --via checkin; never printed (env: SENTRY_DSN)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -s e -l environment -r -f -d 'environment of the check-in for --via checkin (env: SENTRY_ENVIRONMENT)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l dry-run -d 'show what would change, change nothing'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l json -d 'print the monitors as the API returned them, as a JSON array'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l proxy -r -f -d 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed (env: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l header -r -f -d 'extra request header \'Name: value\', repeatable; values never printed'
complete -c cronmon -n '__cronmon_at \'upsert\'' -l config -r -F -d 'config file to use instead of searching for one (env: CRONMON_CONFIG)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -s q -l quiet -d 'no notices; errors still go to stderr (env: CRONMON_QUIET=1)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -s v -l verbose -d 'one line per request on stderr, secrets masked (env: CRONMON_DEBUG=1)'
complete -c cronmon -n '__cronmon_at \'upsert\'' -s h -l help -d 'display help for command'

# cronmon monitors
complete -c cronmon -n '__cronmon_at_argument \'monitors\' 0' -f -a 'list' -d 'list the organization\'s monitors (all pages)'
complete -c cronmon -n '__cronmon_at_argument \'monitors\' 0' -f -a 'run' -d 'exec in sentry-cli\'s form: run a job and report it under <slug>'
complete -c cronmon -n '__cronmon_at_argument \'monitors\' 0' -f -a 'help' -d 'display help for command'
complete -c cronmon -n '__cronmon_at \'monitors\'' -s h -l help -d 'display help for command'

# cronmon monitors list
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l auth-token -r -f -d 'Sentry auth token; never printed (env: SENTRY_AUTH_TOKEN, or [auth] token in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l org -r -f -d 'organization slug (env: SENTRY_ORG, or [defaults] org in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l project -r -f -d 'project slug (env: SENTRY_PROJECT, or [defaults] project in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l url -r -f -d 'Sentry URL for API calls, default https://sentry.io/ (env: SENTRY_URL)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l json -d 'print the monitors as a JSON array'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l proxy -r -f -d 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed (env: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l header -r -f -d 'extra request header \'Name: value\', repeatable; values never printed'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -l config -r -F -d 'config file to use instead of searching for one (env: CRONMON_CONFIG)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -s q -l quiet -d 'no notices; errors still go to stderr (env: CRONMON_QUIET=1)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -s v -l verbose -d 'one line per request on stderr, secrets masked (env: CRONMON_DEBUG=1)'
complete -c cronmon -n '__cronmon_at \'monitors list\'' -s h -l help -d 'display help for command'

# cronmon monitors run
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l dsn -r -f -d 'Sentry DSN to report to; never printed (env: SENTRY_DSN)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -s e -l environment -r -f -d 'environment of the check-ins, default production (env: SENTRY_ENVIRONMENT)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -s s -l schedule -r -f -d 'crontab schedule to create/update the monitor with, e.g. \'0 3 * * *\' or @daily'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l interval -r -f -a '1\\ minute 5\\ minutes 10\\ minutes 15\\ minutes 30\\ minutes 1\\ hour 2\\ hours 6\\ hours 12\\ hours 1\\ day 1\\ week 1\\ month 1\\ year' -d 'interval schedule instead of a crontab, e.g. \'10 minutes\''
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l timezone -r -f -d 'time zone of the schedule, e.g. Europe/Vienna'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l checkin-margin -r -f -d 'minutes a check-in may be late before it counts as missed (0-40320)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l max-runtime -r -f -d 'minutes a run may take before it counts as timed out (1-10080)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l failure-threshold -r -f -d 'failed runs in a row before an issue is opened (1-720)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l recovery-threshold -r -f -d 'successful runs in a row before the issue is resolved (1-720)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l owner -r -f -d 'owner of the monitor: user:<id> or team:<id>'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l tail-bytes -r -f -d 'bytes of output kept for the failure report (max 102400)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l no-log -d 'never send output to Sentry'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l no-server-name -d 'leave this host\'s name out of failure events'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l log-on -r -f -a 'error always' -d 'when to send the output tail'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l send-timeout -r -f -d 'bound on delivery, retries included: the open check-in has this long while the job runs, all that is left after the job shares one deadline this long (500ms, 5s…)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l timeout -r -f -d 'SIGTERM the job\'s process group after this long (30s, 15m, 2h…); reported error, exit 124'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l kill-grace -r -f -d 'after --timeout, SIGKILL what is left after this long (default 10s)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l lock -F -d 'do not start while another run of this slug+environment holds the lock: print one line, exit 75'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l lock-wait -r -f -d 'wait up to this long (30s, 15m…) for the lock instead; implies --lock'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l dry-run -d 'run the job, print the envelopes that would be sent on stderr, send nothing'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l proxy -r -f -d 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed (env: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l header -r -f -d 'extra request header \'Name: value\', repeatable; values never printed'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -l config -r -F -d 'config file to use instead of searching for one (env: CRONMON_CONFIG)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -s q -l quiet -d 'no notices; errors still go to stderr (env: CRONMON_QUIET=1)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -s v -l verbose -d 'one line per request on stderr, secrets masked (env: CRONMON_DEBUG=1)'
complete -c cronmon -n '__cronmon_at \'monitors run\'' -s h -l help -d 'display help for command'

# cronmon monitors help
complete -c cronmon -n '__cronmon_at_argument \'monitors help\' 0' -f -a 'list run'

# cronmon listen
complete -c cronmon -n '__cronmon_at \'listen\'' -l port -r -f -d 'port to listen on; 0 picks a free one'
complete -c cronmon -n '__cronmon_at \'listen\'' -l host -r -f -d 'address to listen on'
complete -c cronmon -n '__cronmon_at \'listen\'' -l json -d 'print one JSON object per line'
complete -c cronmon -n '__cronmon_at \'listen\'' -s v -l verbose -d 'note a field Sentry ignores on every check-in that has it, not only the first time'
complete -c cronmon -n '__cronmon_at \'listen\'' -s h -l help -d 'display help for command'

# cronmon crontab
complete -c cronmon -n '__cronmon_at \'crontab\'' -l system -d 'read system crontabs, whose lines name the user the job runs as (/etc/crontab, /etc/cron.d/*)'
complete -c cronmon -n '__cronmon_at \'crontab\'' -l apply -d 'write the wrapped lines back: to the file after saving <file>.cronmon-backup-<time> (.<file>.cronmon-backup-<time> with --system), or with crontab - after saving a copy in the cache directory'
complete -c cronmon -n '__cronmon_at \'crontab\'' -l json -d 'print the jobs as a JSON array (line, schedule, timezone, command, slug, state, reason; with --system also file and user)'
complete -c cronmon -n '__cronmon_at \'crontab\'' -l cronmon-path -r -F -d 'cronmon command to put in the lines (default: the absolute path of this cronmon)'
complete -c cronmon -n '__cronmon_at \'crontab\'' -l timezone -r -f -d 'time zone cron runs the jobs in, for jobs without a CRON_TZ line (default: this system\'s)'
complete -c cronmon -n '__cronmon_at \'crontab\'' -s q -l quiet -d 'no notices; errors still go to stderr (env: CRONMON_QUIET=1)'
complete -c cronmon -n '__cronmon_at \'crontab\'' -s h -l help -d 'display help for command'
complete -c cronmon -n '__cronmon_at_argument \'crontab\' 0+' -F

# cronmon doctor
complete -c cronmon -n '__cronmon_at \'doctor\'' -l dsn -r -f -d 'Sentry DSN to report to; never printed (env: SENTRY_DSN)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -l auth-token -r -f -d 'Sentry auth token; never printed (env: SENTRY_AUTH_TOKEN, or [auth] token in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -l org -r -f -d 'organization slug (env: SENTRY_ORG, or [defaults] org in .sentryclirc)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -l url -r -f -d 'Sentry URL for API calls, default https://sentry.io/ (env: SENTRY_URL)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -l json -d 'print the checks as JSON on stdout'
complete -c cronmon -n '__cronmon_at \'doctor\'' -l proxy -r -f -d 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed (env: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -l header -r -f -d 'extra request header \'Name: value\', repeatable; values never printed'
complete -c cronmon -n '__cronmon_at \'doctor\'' -l config -r -F -d 'config file to use instead of searching for one (env: CRONMON_CONFIG)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -s q -l quiet -d 'print only the checks that warn or fail (env: CRONMON_QUIET=1)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -s v -l verbose -d 'one line per request on stderr, secrets masked (env: CRONMON_DEBUG=1)'
complete -c cronmon -n '__cronmon_at \'doctor\'' -s h -l help -d 'display help for command'

# cronmon completion
complete -c cronmon -n '__cronmon_at \'completion\'' -s h -l help -d 'display help for command'
complete -c cronmon -n '__cronmon_at_argument \'completion\' 0' -f -a 'bash zsh fish'

# cronmon help
complete -c cronmon -n '__cronmon_at_argument \'help\' 0' -f -a 'exec heartbeat upsert monitors listen crontab doctor completion'
