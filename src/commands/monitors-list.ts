import { requireSettings, resolveApiSettings } from './api-settings.js';
import type { MonitorsListFlags } from '../config/command-flags.js';
import { loadPaint } from '../util/colour.js';
import { formatMonitorTable } from './monitor-table.js';
import { printable, printableJson } from '../util/safe-text.js';
import { createApiClient } from '../sentry/api.js';
import { ConnectionPool } from '../sentry/keep-alive.js';
import { listMonitors, regionUrl } from '../sentry/monitors-api.js';

// `cronmon monitors list`: every page of the organization's monitors, optionally only those of
// --project, as a table (coloured by health on a terminal) or a JSON array.
export async function runMonitorsList(flags: MonitorsListFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Promise<number> {
  const settings = await resolveApiSettings(flags, env, stderrIsTTY);
  const { token, org } = requireSettings(settings, ['token', 'org']);
  // One pool for the region lookup and every page: one connection per host.
  const options = { url: settings.url, token, timeoutMs: 30_000, onRequest: settings.log.debug, network: settings.network, pool: new ConnectionPool() };
  const api = createApiClient(options, await regionUrl(createApiClient(options), org));
  // Only an explicit --project filters; a default project from .sentryclirc does not hide the rest.
  const project = flags.project ?? env.SENTRY_PROJECT;
  const monitors = (await listMonitors(api, org)).filter((m) => !project || m.project?.slug === project);
  if (flags.json) {
    process.stdout.write(`${printableJson(monitors, 2)}\n`);
  } else if (monitors.length === 0) {
    process.stdout.write(`${printable(`no monitors in ${org}${project ? ` for project ${project}` : ''}`)}\n`);
  } else {
    process.stdout.write(`${formatMonitorTable(monitors, await loadPaint(env))}\n`);
  }
  return 0;
}
