import { createBody, diffMonitor, updateBody, type ApiMonitor, type Change, type DesiredMonitor } from '../monitor/monitor-plan.js';
import type { ApiClient } from './api.js';
import { createMonitor, getMonitor, updateMonitor } from './monitors-api.js';

export interface UpsertResult {
  slug: string;
  action: 'create' | 'update' | 'unchanged' | 'failed';
  // For `update`: what differs (old → new). For `create`: every declared field from (none).
  changes: Change[];
  // As the API returned it; absent in a dry run that would create it.
  monitor?: ApiMonitor | undefined;
  error?: string | undefined;
}

// Creates what is missing and updates what differs, one monitor at a time so that one failure
// does not hide the others. With dryRun only reads.
export async function upsertMonitors(
  api: ApiClient,
  org: string,
  project: string,
  desired: readonly DesiredMonitor[],
  dryRun: boolean,
): Promise<UpsertResult[]> {
  const results: UpsertResult[] = [];
  for (const monitor of desired) {
    try {
      results.push(await upsertOne(api, org, project, monitor, dryRun));
    } catch (error) {
      results.push({ slug: monitor.slug, action: 'failed', changes: [], error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

async function upsertOne(api: ApiClient, org: string, project: string, desired: DesiredMonitor, dryRun: boolean): Promise<UpsertResult> {
  const existing = await getMonitor(api, org, desired.slug);
  if (!existing) {
    const body = createBody(desired, project);
    const changes = Object.entries({ ...body, ...(body.config as object), ...(desired.muted ? { muted: true } : {}) })
      .filter(([field]) => !['project', 'config', 'slug'].includes(field))
      .map(([field, to]) => ({ field, from: '(none)', to: Array.isArray(to) ? to.join(' ') : String(to) }));
    if (dryRun) return { slug: desired.slug, action: 'create', changes };
    const created = await createMonitor(api, org, body);
    const monitor = desired.muted ? await updateMonitor(api, org, created.slug, { isMuted: true }) : created;
    return { slug: desired.slug, action: 'create', changes, monitor };
  }
  const changes = diffMonitor(existing, desired);
  if (changes.length === 0) return { slug: desired.slug, action: 'unchanged', changes, monitor: existing };
  const monitor = dryRun ? existing : await updateMonitor(api, org, desired.slug, updateBody(desired));
  return { slug: desired.slug, action: 'update', changes, monitor };
}
