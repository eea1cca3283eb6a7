import type { FieldLabels } from '../monitor/monitor-config.js';
import { flag } from './flag.js';

// Every option of the command line, declared once (see flag.ts); the flags of each command are
// in command-flags.ts. Environment variables are resolved in src/commands (flag > environment >
// config file).

export const DSN = flag({ key: 'dsn', long: '--dsn', takes: 'value', placeholder: 'dsn', help: 'Sentry DSN to report to; never printed', env: ['SENTRY_DSN'] });
export const ENVIRONMENT = flag({
  key: 'environment',
  long: '--environment',
  short: '-e',
  takes: 'value',
  placeholder: 'name',
  help: 'environment of the check-ins, default production',
  env: ['SENTRY_ENVIRONMENT'],
});
export const SLUG = flag({
  key: 'slug',
  long: '--slug',
  takes: 'value',
  placeholder: 'slug',
  help: 'monitor slug, normalised as Sentry does',
  env: ['CRONMON_SLUG'],
  hint: 'slug',
});
export const CONFIG = flag({
  key: 'config',
  long: '--config',
  takes: 'value',
  placeholder: 'file',
  help: 'config file to use instead of searching for one',
  env: ['CRONMON_CONFIG'],
  hint: 'file',
});
export const QUIET = flag({
  key: 'quiet',
  long: '--quiet',
  short: '-q',
  takes: 'nothing',
  help: 'no notices; errors still go to stderr',
  env: ['CRONMON_QUIET'],
});
export const VERBOSE = flag({
  key: 'verbose',
  long: '--verbose',
  short: '-v',
  takes: 'nothing',
  help: 'one line per request on stderr, secrets masked',
  env: ['CRONMON_DEBUG'],
});
export const JSON_OUTPUT = flag({ key: 'json', long: '--json', takes: 'nothing', help: 'print the result as JSON on stdout' });
export const DRY_RUN = flag({ key: 'dryRun', long: '--dry-run', takes: 'nothing', help: 'send nothing' });
export const TIMEZONE = flag({
  key: 'timezone',
  long: '--timezone',
  takes: 'value',
  placeholder: 'iana',
  help: 'time zone of the schedule, e.g. Europe/Vienna',
});
export const SEND_TIMEOUT = flag({
  key: 'sendTimeout',
  long: '--send-timeout',
  takes: 'value',
  placeholder: 'duration',
  defaultValue: '5s',
  help: 'hard bound on the delivery, retries included, e.g. 500ms, 5s',
});

export const API = [
  flag({
    key: 'authToken',
    long: '--auth-token',
    takes: 'value',
    placeholder: 'token',
    help: 'Sentry auth token; never printed',
    env: ['SENTRY_AUTH_TOKEN'],
    elsewhere: '[auth] token in .sentryclirc',
  }),
  flag({
    key: 'org',
    long: '--org',
    takes: 'value',
    placeholder: 'slug',
    help: 'organization slug',
    env: ['SENTRY_ORG'],
    elsewhere: '[defaults] org in .sentryclirc',
  }),
  flag({
    key: 'project',
    long: '--project',
    takes: 'value',
    placeholder: 'slug',
    help: 'project slug',
    env: ['SENTRY_PROJECT'],
    elsewhere: '[defaults] project in .sentryclirc',
  }),
  flag({ key: 'url', long: '--url', takes: 'value', placeholder: 'url', help: 'Sentry URL for API calls, default https://sentry.io/', env: ['SENTRY_URL'] }),
] as const;
export const [AUTH_TOKEN, ORG, PROJECT, URL] = API;

export const NETWORK = [
  flag({
    key: 'proxy',
    long: '--proxy',
    takes: 'value',
    placeholder: 'url',
    help: 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed',
    // Read with curl's rules per URL (src/sentry/proxy.ts), not as plain fallbacks.
    env: ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'],
  }),
  flag({
    key: 'header',
    long: '--header',
    takes: 'values',
    placeholder: 'header',
    help: "extra request header 'Name: value', repeatable; values never printed",
  }),
] as const;
export const [PROXY, HEADER] = NETWORK;

export const MONITOR_CONFIG = [
  flag({
    key: 'schedule',
    long: '--schedule',
    short: '-s',
    takes: 'value',
    placeholder: 'crontab',
    help: "crontab schedule to create/update the monitor with, e.g. '0 3 * * *' or @daily",
  }),
  flag({
    key: 'interval',
    long: '--interval',
    takes: 'value',
    placeholder: 'n unit',
    help: "interval schedule instead of a crontab, e.g. '10 minutes'",
    hint: 'interval',
  }),
  TIMEZONE,
  // sentry-cli's spellings as aliases, so that moving over is replacing `sentry-cli` with `cronmon`.
  flag({
    key: 'checkinMargin',
    long: '--checkin-margin',
    takes: 'value',
    placeholder: 'minutes',
    aliases: ['--check-in-margin'],
    help: 'minutes a check-in may be late before it counts as missed (0-40320)',
  }),
  flag({
    key: 'maxRuntime',
    long: '--max-runtime',
    takes: 'value',
    placeholder: 'minutes',
    help: 'minutes a run may take before it counts as timed out (1-10080)',
  }),
  flag({
    key: 'failureThreshold',
    long: '--failure-threshold',
    takes: 'value',
    placeholder: 'n',
    aliases: ['--failure-issue-threshold'],
    help: 'failed runs in a row before an issue is opened (1-720)',
  }),
  flag({
    key: 'recoveryThreshold',
    long: '--recovery-threshold',
    takes: 'value',
    placeholder: 'n',
    help: 'successful runs in a row before the issue is resolved (1-720)',
  }),
  flag({ key: 'owner', long: '--owner', takes: 'value', placeholder: 'actor', help: 'owner of the monitor: user:<id> or team:<id>' }),
] as const;

// How messages name a monitor setting given by flag.
export const MONITOR_FLAG_LABELS = Object.fromEntries(MONITOR_CONFIG.map((f) => [f.key, f.long])) as FieldLabels;

export const OUTPUT = [QUIET, VERBOSE] as const;
export const COMMON = [...NETWORK, CONFIG, ...OUTPUT] as const;

export const TIMEOUT = flag({
  key: 'timeout',
  long: '--timeout',
  takes: 'value',
  placeholder: 'duration',
  help: "SIGTERM the job's process group after this long (30s, 15m, 2h…); reported error, exit 124",
});
export const KILL_GRACE = flag({
  key: 'killGrace',
  long: '--kill-grace',
  takes: 'value',
  placeholder: 'duration',
  help: 'after --timeout, SIGKILL what is left after this long (default 10s)',
});
export const TAIL_BYTES = flag({
  key: 'tailBytes',
  long: '--tail-bytes',
  takes: 'value',
  placeholder: 'n',
  defaultValue: '102400',
  help: 'bytes of output kept for the failure report (max 102400)',
});
export const LOCK = flag({
  key: 'lock',
  long: '--lock',
  takes: 'optional value',
  placeholder: 'file',
  hint: 'file',
  help: 'do not start while another run of this slug+environment holds the lock: print one line, exit 75',
});
export const LOCK_WAIT = flag({
  key: 'lockWait',
  long: '--lock-wait',
  takes: 'value',
  placeholder: 'duration',
  help: 'wait up to this long (30s, 15m…) for the lock instead; implies --lock',
});

export const DURATION = flag({
  key: 'duration',
  long: '--duration',
  takes: 'value',
  placeholder: 'seconds',
  help: 'duration of the run in seconds (for ok/error)',
});
export const CHECK_IN_ID = flag({
  key: 'checkInId',
  long: '--check-in-id',
  takes: 'value',
  placeholder: 'id',
  help: 'close the run opened by `heartbeat --status in_progress`, which printed this id',
});
export const NAME = flag({ key: 'name', long: '--name', takes: 'value', placeholder: 'name', help: 'display name of the monitor (API only)' });
export const CRONMON_PATH = flag({
  key: 'cronmonPath',
  long: '--cronmon-path',
  takes: 'value',
  placeholder: 'path',
  hint: 'file',
  help: 'cronmon command to put in the lines (default: the absolute path of this cronmon)',
});
