import { printable, printableJson } from '../util/safe-text.js';
import { failed, type Check, type CheckName, type Level } from './check.js';

// How doctor shows its checks: one line each (symbol, what, detail, fix), or JSON.

const SYMBOLS: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

const LABELS: Record<CheckName, string> = {
  config: 'config file',
  dsn: 'DSN',
  sentry: 'Sentry',
  clock: 'clock',
  timezone: 'time zone',
  runtime: 'runtime',
  'cache-dir': 'cache dir',
  'lock-dir': 'lock dir',
  'auth-token': 'auth token',
};

const WIDTH = Math.max(...Object.values(LABELS).map((label) => label.length));

// `onlyProblems` (-q): warnings and failures only, so that a doctor run from a crontab mails
// nothing while all is well. Details quote servers and files: each stays on its line.
export function formatChecks(checks: readonly Check[], onlyProblems = false): string {
  return checks
    .filter((item) => !onlyProblems || item.level === 'warn' || item.level === 'fail')
    .map((item) => printable(`${SYMBOLS[item.level]} ${LABELS[item.name].padEnd(WIDTH)}  ${item.detail}${item.fix ? `; fix: ${item.fix}` : ''}`) + '\n')
    .join('');
}

// {"ok": …, "checks": [{"name", "ok", "level", "detail", "fix"}]}: ok is false only for a failure.
export function formatChecksJson(checks: readonly Check[]): string {
  const items = checks.map(({ name, level, detail, fix }) => ({ name, ok: level !== 'fail', level, detail, fix: fix ?? null }));
  return `${printableJson({ ok: !failed(checks), checks: items }, 2)}\n`;
}
