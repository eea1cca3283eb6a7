import type { Paint } from '../util/colour.js';
import { printable } from '../util/safe-text.js';
import { describeSchedule, type ApiMonitor } from '../monitor/monitor-plan.js';

export type Health = 'good' | 'bad' | 'idle';

const BAD = new Set(['error', 'missed_checkin', 'timeout']);

export function healthOf(status: string): Health {
  if (BAD.has(status)) return 'bad';
  return status === 'ok' ? 'good' : 'idle';
}

function since(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds}s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86400)}d ago`;
}

// One row per monitor: slug, name, schedule (with its time zone), status, and each environment
// with the status and age of its last check-in, coloured by health.
// Every cell is the server's text, escaped: a name must not be able to forge rows or colours.
export function formatMonitorTable(monitors: readonly ApiMonitor[], paint: Paint, now: number = Date.now()): string {
  const header = ['SLUG', 'NAME', 'SCHEDULE', 'STATUS', 'ENVIRONMENTS'];
  const rows = monitors.map((monitor) => {
    const tz = monitor.config.timezone ? ` (${monitor.config.timezone})` : '';
    const status = monitor.isMuted ? `${monitor.status}, muted` : monitor.status;
    const environments = (monitor.environments ?? []).map((env) => ({
      text: printable(`${env.name}: ${env.status} ${since(env.lastCheckIn, now)}`),
      health: healthOf(env.status),
    }));
    return { cells: [monitor.slug, monitor.name, `${describeSchedule(monitor.config)}${tz}`, status].map(printable), environments };
  });
  const widths = header.slice(0, 4).map((title, i) => Math.max(title.length, ...rows.map((row) => row.cells[i]?.length ?? 0)));
  const pad = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  const byHealth: Record<Health, (text: string) => string> = { good: paint.good, bad: paint.bad, idle: paint.dim };
  const lines = [`${pad(header.slice(0, 4))}  ${header[4]}`];
  for (const row of rows) {
    const envs = row.environments.length === 0 ? byHealth.idle('no check-ins yet') : row.environments.map((e) => byHealth[e.health](e.text)).join(', ');
    lines.push(`${pad(row.cells)}  ${envs}`);
  }
  return lines.join('\n');
}
