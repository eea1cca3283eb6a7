import type { ApiMonitor } from '../monitor/monitor-plan.js';
import { describeApiError, nextPageUrl, readJson, type ApiClient } from './api.js';

const PER_PAGE = 100;
const enc = encodeURIComponent;

// On sentry.io an organization lives in a region (us.sentry.io, de.sentry.io) and its API is
// served there: the organization's details name it (links.regionUrl), as Sentry's own CLI reads
// it. Asking also checks that the organization exists and the token can see it.
export async function regionUrl(api: ApiClient, org: string): Promise<string> {
  const response = await api.request('GET', `/organizations/${enc(org)}/`);
  if (response.status !== 200) throw describeApiError(response, `organization ${org}`);
  const links = readJson<{ links?: { regionUrl?: string } }>(response, `organization ${org}`).links;
  return links?.regionUrl ?? api.baseUrl;
}

// Every page, following the Link header's `next` cursor while it says results="true".
export async function listMonitors(api: ApiClient, org: string): Promise<ApiMonitor[]> {
  const monitors: ApiMonitor[] = [];
  let url: string | undefined = `/organizations/${enc(org)}/monitors/?per_page=${PER_PAGE}`;
  while (url) {
    const response = await api.request('GET', url);
    if (response.status !== 200) throw describeApiError(response, `the monitors of ${org}`);
    monitors.push(...readJson<ApiMonitor[]>(response, `the monitors of ${org}`));
    url = nextPageUrl([response.headers.link].flat()[0]);
  }
  return monitors;
}

export async function getMonitor(api: ApiClient, org: string, slug: string): Promise<ApiMonitor | undefined> {
  const response = await api.request('GET', `/organizations/${enc(org)}/monitors/${enc(slug)}/`);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw describeApiError(response, `monitor ${slug}`);
  return readJson<ApiMonitor>(response, `monitor ${slug}`);
}

export async function createMonitor(api: ApiClient, org: string, body: Record<string, unknown>): Promise<ApiMonitor> {
  const response = await api.request('POST', `/organizations/${enc(org)}/monitors/`, body);
  if (response.status !== 201 && response.status !== 200) throw describeApiError(response, `monitor ${String(body.slug)}`);
  return readJson<ApiMonitor>(response, `monitor ${String(body.slug)}`);
}

export async function updateMonitor(api: ApiClient, org: string, slug: string, body: Record<string, unknown>): Promise<ApiMonitor> {
  const response = await api.request('PUT', `/organizations/${enc(org)}/monitors/${enc(slug)}/`, body);
  if (response.status !== 200) throw describeApiError(response, `monitor ${slug}`);
  return readJson<ApiMonitor>(response, `monitor ${slug}`);
}
