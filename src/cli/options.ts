import { Option, type Command } from 'commander';

// Options several subcommands share, defined once so that help texts and completions agree.
// Environment variables are resolved by src/config (flag > environment > config file), so they
// are only named here.

// `slug: false` where the slug is an argument (`monitors run <slug>`).
export function addReportingOptions(command: Command, { slug = true } = {}): Command {
  addDsnOption(command).option('-e, --environment <name>', 'environment of the check-ins, default production (env: SENTRY_ENVIRONMENT)');
  return slug ? command.option('--slug <slug>', 'monitor slug, normalised as Sentry does (env: CRONMON_SLUG)') : command;
}

export const addDsnOption = (command: Command): Command =>
  command.option('--dsn <dsn>', 'Sentry DSN to report to; never printed (env: SENTRY_DSN)');

// `project: false` where no project is used (doctor checks the token against the organization).
export function addApiOptions(command: Command, { project = true } = {}): Command {
  command
    .option('--auth-token <token>', 'Sentry auth token; never printed (env: SENTRY_AUTH_TOKEN, or [auth] token in .sentryclirc)')
    .option('--org <slug>', 'organization slug (env: SENTRY_ORG, or [defaults] org in .sentryclirc)');
  if (project) command.option('--project <slug>', 'project slug (env: SENTRY_PROJECT, or [defaults] project in .sentryclirc)');
  return command.option('--url <url>', 'Sentry URL for API calls, default https://sentry.io/ (env: SENTRY_URL)');
}

// Repeatable options collect their values in order.
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addNetworkOptions(command: Command): Command {
  return command
    .option('--proxy <url>', 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed (env: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)')
    .option('--header <header>', "extra request header 'Name: value', repeatable; values never printed", collect);
}

export function addConfigOption(command: Command): Command {
  return command.option('--config <file>', 'config file to use instead of searching for one (env: CRONMON_CONFIG)');
}

export function addMonitorConfigOptions(command: Command): Command {
  command
    .option('-s, --schedule <crontab>', "crontab schedule to create/update the monitor with, e.g. '0 3 * * *' or @daily")
    .option('--interval <n unit>', "interval schedule instead of a crontab, e.g. '10 minutes'")
    .option('--timezone <iana>', 'time zone of the schedule, e.g. Europe/Vienna')
    .option('--checkin-margin <minutes>', 'minutes a check-in may be late before it counts as missed (0-40320)')
    .option('--max-runtime <minutes>', 'minutes a run may take before it counts as timed out (1-10080)')
    .option('--failure-threshold <n>', 'failed runs in a row before an issue is opened (1-720)')
    .option('--recovery-threshold <n>', 'successful runs in a row before the issue is resolved (1-720)')
    .option('--owner <actor>', 'owner of the monitor: user:<id> or team:<id>');
  // sentry-cli's spellings, so that moving over is replacing `sentry-cli` with `cronmon`.
  addAlias(command, '--check-in-margin <minutes>', 'checkinMargin');
  addAlias(command, '--failure-issue-threshold <n>', 'failureThreshold');
  return command;
}

// Another name for an option: accepted and completed nowhere, it sets the option it stands for.
function addAlias(command: Command, flags: string, attribute: string): void {
  const alias = new Option(flags).hideHelp();
  command.addOption(alias);
  command.on(`option:${alias.name()}`, (value: string) => command.setOptionValueWithSource(attribute, value, 'cli'));
}

export function addQuietOption(command: Command, quiet = 'no notices; errors still go to stderr'): Command {
  return command.option('-q, --quiet', `${quiet} (env: CRONMON_QUIET=1)`);
}

// For commands that make requests: --verbose shows them.
export function addOutputOptions(command: Command, quiet?: string): Command {
  return addQuietOption(command, quiet).option('-v, --verbose', 'one line per request on stderr, secrets masked (env: CRONMON_DEBUG=1)');
}

export const choice = (flags: string, description: string, choices: string[]): Option =>
  new Option(flags, description).choices(choices);
