import { CronmonError, usageError } from '../util/errors.js';
import { buildMonitorConfig, type FieldLabels, type MonitorConfigInput } from '../monitor/monitor-config.js';
import type { DesiredMonitor } from '../monitor/monitor-plan.js';
import { isValidApiSlug, requireSlug } from '../monitor/slug.js';
import type { CronmonConfig } from '../config/config-file.js';
import { mergeMonitorInput } from './reporting-settings.js';
import { MONITOR_FLAG_LABELS, NAME, SLUG } from '../config/flags.js';
import { UPSERT_FLAGS, type UpsertFlags } from '../config/command-flags.js';

// The monitors `upsert` is to create or update, all validated before the first request: the
// one named by --slug (flags over its config-file entry), or every monitor in the config file.
export function desiredMonitors(
  flags: Pick<UpsertFlags, 'slug' | 'name' | 'muted' | keyof MonitorConfigInput>,
  config: CronmonConfig | undefined,
  forApi: boolean,
): DesiredMonitor[] {
  if (flags.slug === undefined) {
    const configOnly = [
      'schedule',
      'interval',
      'timezone',
      'checkinMargin',
      'maxRuntime',
      'failureThreshold',
      'recoveryThreshold',
      'owner',
      'name',
      'muted',
    ] as const;
    const stray = configOnly.find((key) => flags[key] !== undefined);
    const label = UPSERT_FLAGS.find((declaration) => declaration.key === stray)?.long;
    if (label) throw usageError(`${label} needs ${SLUG.long} (without ${SLUG.long}, upsert applies the config file)`);
    const entries = Object.entries(config?.monitors ?? {});
    if (entries.length === 0) {
      throw new CronmonError(
        'missing-setting',
        config
          ? `${config.file} declares no monitors: add a monitors map, or name one with --slug`
          : 'no --slug and no config file with monitors: name one with --slug and --schedule, or declare them in cronmon.config.yaml',
      );
    }
    return entries.map(([slug, entry]) => {
      const path = (key: string) => `${config?.file}: monitors.${slug}.${key}`;
      const monitorConfig = buildMonitorConfig(entry, labelsFor(path));
      if (!monitorConfig) throw new CronmonError('config', `${path('schedule')} is missing: a monitor needs a schedule or an interval`);
      checkApiSlug(slug, `${config?.file}: monitors key "${slug}"`, forApi);
      return { slug, name: entry.name, muted: entry.muted, config: monitorConfig };
    });
  }
  const slug = requireSlug(flags.slug, SLUG.long);
  checkApiSlug(slug, SLUG.long, forApi);
  const entry = config?.monitors[slug];
  const monitorConfig = buildMonitorConfig(mergeMonitorInput(flags, entry), MONITOR_FLAG_LABELS);
  if (!monitorConfig) {
    throw usageError(`${SLUG.long} ${slug} needs ${MONITOR_FLAG_LABELS.schedule} or ${MONITOR_FLAG_LABELS.interval} (or a schedule for it in the config file)`);
  }
  if (flags.name !== undefined && (flags.name === '' || flags.name.length > 128)) throw usageError(`${NAME.long} must be 1 to 128 characters`);
  return [{ slug, name: flags.name ?? entry?.name, muted: flags.muted ?? entry?.muted, config: monitorConfig }];
}

function labelsFor(path: (key: string) => string): FieldLabels {
  return Object.fromEntries(Object.keys(MONITOR_FLAG_LABELS).map((key) => [key, path(key)])) as FieldLabels;
}

function checkApiSlug(slug: string, label: string, forApi: boolean): void {
  if (forApi && !isValidApiSlug(slug)) {
    throw usageError(`${label}: the Sentry API does not accept the slug "${slug}" (lower-case letters, digits, - and _, not only digits)`);
  }
}
