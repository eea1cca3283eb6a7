import { isHttpUrl } from '../util/http-url.js';
import { CronmonError } from '../util/errors.js';
import type { ApiMonitor } from '../monitor/monitor-plan.js';
import { describeApiError, nextCursor, readJson, type ApiClient } from './api.js';
import { isApiMonitor } from './api-monitor.js';
import type { HttpResponse } from './transport.js';

const PER_PAGE = 100;
// 100,000 monitors; a server that keeps saying "more" beyond that is looping.
const MAX_PAGES = 1000;
const enc = encodeURIComponent;

const nonsense = (response: HttpResponse, what: string, expected: string) =>
  new CronmonError('api', `Sentry answered ${response.status} for ${what}, but not with ${expected} (a proxy or a wrong --url?)`);

function readMonitor(response: HttpResponse, what: string): ApiMonitor {
  const monitor = readJson<unknown>(response, what);
  if (!isApiMonitor(monitor)) throw nonsense(response, what, 'a monitor');
  return monitor;
}

// On sentry.io an organization lives in a region (us.sentry.io, de.sentry.io) and its API is
// served there: the organization's details name it (links.regionUrl), as Sentry's own CLI reads
// it. Asking also checks that the organization exists and the token can see it.
export async function regionUrl(api: ApiClient, org: string): Promise<string> {
  const what = `organization ${org}`;
  const response = await api.request('GET', `/organizations/${enc(org)}/`);
  if (response.status !== 200) throw describeApiError(response, what);
  const details = readJson<{ links?: { regionUrl?: unknown } } | null>(response, what);
  const region = details?.links?.regionUrl;
  if (region === undefined || region === null) return api.baseUrl;
  if (typeof region !== 'string' || !isHttpUrl(region)) {
    throw nonsense(response, what, 'a usable region URL (links.regionUrl)');
  }
  return region;
}

// Every page, following the Link header's `next` cursor while it says results="true".
export async function listMonitors(api: ApiClient, org: string): Promise<ApiMonitor[]> {
  const what = `the monitors of ${org}`;
  const monitors: ApiMonitor[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const response = await api.request(
      'GET',
      `/organizations/${enc(org)}/monitors/?per_page=${PER_PAGE}${cursor === undefined ? '' : `&cursor=${enc(cursor)}`}`,
    );
    if (response.status !== 200) throw describeApiError(response, what);
    const list = readJson<unknown>(response, what);
    if (!Array.isArray(list) || !list.every(isApiMonitor)) throw nonsense(response, what, 'a list of monitors');
    monitors.push(...list);
    cursor = nextCursor([response.headers.link].flat()[0]);
    if (cursor === undefined) return monitors;
    if (seen.has(cursor)) throw new CronmonError('api', `Sentry sent the same page of ${what} twice (page ${page}): stopped, as it would never end`);
    if (page === MAX_PAGES) throw new CronmonError('api', `Sentry still had more of ${what} after ${MAX_PAGES} pages of ${PER_PAGE}: stopped`);
    seen.add(cursor);
  }
}

export async function getMonitor(api: ApiClient, org: string, slug: string): Promise<ApiMonitor | undefined> {
  const response = await api.request('GET', `/organizations/${enc(org)}/monitors/${enc(slug)}/`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw describeApiError(response, `monitor ${slug}`);
  return readMonitor(response, `monitor ${slug}`);
}

export async function createMonitor(api: ApiClient, org: string, body: Record<string, unknown>): Promise<ApiMonitor> {
  const response = await api.request('POST', `/organizations/${enc(org)}/monitors/`, body);
  if (response.status !== 201 && response.status !== 200) throw describeApiError(response, `monitor ${String(body.slug)}`);
  return readMonitor(response, `monitor ${String(body.slug)}`);
}

export async function updateMonitor(api: ApiClient, org: string, slug: string, body: Record<string, unknown>): Promise<ApiMonitor> {
  const response = await api.request('PUT', `/organizations/${enc(org)}/monitors/${enc(slug)}/`, body);
  if (response.status !== 200) throw describeApiError(response, `monitor ${slug}`);
  return readMonitor(response, `monitor ${slug}`);
}
