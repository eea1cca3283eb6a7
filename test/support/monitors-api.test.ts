import { describe, expect, it } from 'vitest';
import { createMonitorsApi, type MonitorsApi } from './monitors-api.js';

const TOKEN = 'sntryu_test-token';
const ORIGIN = 'http://127.0.0.1:4321';
const PROJECTS = [
  { id: '42', slug: 'backend', name: 'Backend' },
  { id: '43', slug: 'frontend', name: 'Frontend' },
];
const INDEX = '/api/0/organizations/acme/monitors/';

const setup = (options: { regionUrl?: string } = {}) => createMonitorsApi({ token: TOKEN, org: 'acme', projects: PROJECTS, ...options });

interface CallOptions {
  body?: unknown;
  auth?: string | null;
  headers?: Record<string, string>;
}
function call(api: MonitorsApi, method: string, path: string, { body, auth = `Bearer ${TOKEN}`, headers = {} }: CallOptions = {}) {
  const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const response = api.handle({
    method,
    url: new URL(path, ORIGIN),
    headers: { ...(auth === null ? {} : { authorization: auth }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: Buffer.from(raw),
  });
  return { ...response, json: () => JSON.parse(response.body) as unknown };
}

const CONFIG = { schedule_type: 'crontab', schedule: '0 3 * * *', checkin_margin: 5, max_runtime: 60, timezone: 'Europe/Vienna' };
const create = (api: MonitorsApi, body: Record<string, unknown>) =>
  call(api, 'POST', INDEX, { body: { project: 'backend', name: 'Nightly backup', config: CONFIG, ...body } });
const configError = (api: MonitorsApi, config: Record<string, unknown>) => create(api, { config }).json();

describe('authentication and routing', () => {
  it('wants a Bearer token and says why it refuses one', () => {
    const api = setup();
    const missing = call(api, 'GET', INDEX, { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect(missing.headers['WWW-Authenticate']).toBe('xBasic realm="api"');
    expect(call(api, 'GET', INDEX, { auth: 'Bearer nope' }).json()).toEqual({ detail: 'Invalid token' });
    expect(call(api, 'GET', INDEX, { auth: 'Bearer' }).json()).toEqual({ detail: 'Invalid token header. No credentials provided.' });
    expect(call(api, 'GET', INDEX, { auth: `Token ${TOKEN}` }).status).toBe(401);
    expect(call(api, 'GET', INDEX, { auth: `bearer ${TOKEN}` }).status).toBe(200);
  });

  it('answers 404 for an unknown organization, after checking the token', () => {
    const api = setup();
    expect(call(api, 'GET', '/api/0/organizations/other/monitors/', { auth: null }).status).toBe(401);
    const response = call(api, 'GET', '/api/0/organizations/other/monitors/');
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ detail: 'The requested resource does not exist' });
    expect(call(api, 'GET', '/api/0/organizations/1/monitors/').status).toBe(200); // id or slug
  });

  it('404s anything else under /api/0/ like Sentry’s catch-all, hinting at a missing slash', () => {
    const api = setup();
    expect(call(api, 'GET', '/api/0/projects/acme/backend/', { auth: null })).toMatchObject({ status: 404, body: '' });
    const text = call(api, 'GET', '/api/0/organizations/acme/monitors');
    expect(text.status).toBe(404);
    expect(text.body).toContain('Route not found, did you forget a trailing slash?\n\ntry: /api/0/organizations/acme/monitors/\n');
    const json = call(api, 'POST', '/api/0/organizations/acme/monitors', { body: {} });
    expect(json.json()).toEqual({ info: 'Route not found, did you forget a trailing slash? try: /api/0/organizations/acme/monitors/' });
  });

  it('refuses methods the endpoints do not have (or that are not imitated)', () => {
    expect(call(setup(), 'DELETE', `${INDEX}x/`).status).toBe(404); // the monitor is looked up first
    const response = call(setup(), 'PATCH', INDEX);
    expect(response.status).toBe(405);
    expect(response.json()).toEqual({ detail: 'Method "PATCH" not allowed.' });
  });

  it('names the region URL in the organization details', () => {
    const own = call(setup(), 'GET', '/api/0/organizations/acme/').json();
    expect(own).toMatchObject({ id: '1', slug: 'acme', links: { organizationUrl: ORIGIN, regionUrl: ORIGIN } });
    const region = call(setup({ regionUrl: 'http://127.0.0.1:5555' }), 'GET', '/api/0/organizations/acme/').json();
    expect(region).toMatchObject({ links: { regionUrl: 'http://127.0.0.1:5555' } });
  });
});

describe('creating a monitor', () => {
  it('answers 201 with the monitor serialized as Sentry does', () => {
    const api = setup();
    const response = create(api, { slug: 'nightly-backup', owner: 'team:6' });
    expect(response.status).toBe(201);
    const monitor = response.json();
    expect(monitor).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      status: 'active',
      isMuted: false,
      type: 'cron_job',
      name: 'Nightly backup',
      slug: 'nightly-backup',
      config: { ...CONFIG, failure_issue_threshold: null, recovery_threshold: null },
      dateCreated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      project: { id: '42', slug: 'backend', name: 'Backend', platform: null },
      environments: [],
      owner: { type: 'team', id: '6', name: 'team-6' },
    });
    expect(api.monitors()).toEqual([monitor]);
  });

  it('derives the slug from the name, unique in the organization', () => {
    const api = setup();
    expect(create(api, { name: 'Nightly Backup (DB)!' }).json()).toMatchObject({ slug: 'nightly-backup-db' });
    const second = create(api, { name: 'Nightly Backup (DB)!' }).json() as { slug: string };
    expect(second.slug).toMatch(/^nightly-backup-db-[a-z0-9]{2}$/);
  });

  it('refuses a slug already in use, after slugifying it', () => {
    const api = setup();
    create(api, { slug: 'backup' });
    const response = create(api, { slug: '-backup-' });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ slug: ['The slug "backup" is already in use.'] });
    expect(create(api, { slug: 'Backup 1' }).json()).toEqual({
      slug: ['Enter a valid slug consisting of lowercase letters, numbers, underscores or hyphens. It cannot be entirely numeric.'],
    });
    expect(create(api, { slug: '1234' }).status).toBe(400);
    expect(create(api, { slug: 'a'.repeat(51) }).json()).toEqual({ slug: ['Ensure this field has no more than 50 characters.'] });
  });

  it('reports every missing or wrong field at once, camelCased', () => {
    const api = setup();
    expect(call(api, 'POST', INDEX, { body: {} }).json()).toEqual({
      project: ['This field is required.'],
      name: ['This field is required.'],
      config: ['This field is required.'],
    });
    const response = create(api, {
      project: 'nope',
      name: 'x'.repeat(129),
      status: 'paused',
      isMuted: 'maybe',
      config: { schedule_type: 'crontab', schedule: '0 * * * *', checkinMargin: 40_321 },
    });
    expect(response.json()).toEqual({
      project: ['Invalid project'],
      name: ['Ensure this field has no more than 128 characters.'],
      status: ['"paused" is not a valid choice.'],
      isMuted: ['Must be a valid boolean.'],
      config: { checkinMargin: ['Ensure this value is less than or equal to 40320.'] },
    });
  });

  it('finds the project by id or slug', () => {
    const api = setup();
    expect(create(api, { project: '43', slug: 'a' }).json()).toMatchObject({ project: { slug: 'frontend' } });
    expect(create(api, { project: 43, slug: 'b' }).json()).toMatchObject({ project: { slug: 'frontend' } });
  });

  it('validates the config as ConfigValidator does', () => {
    const api = setup();
    expect(configError(api, { ...CONFIG, checkin_margin: -1 })).toEqual({ config: { checkinMargin: ['Ensure this value is greater than or equal to 1.'] } });
    expect(configError(api, { ...CONFIG, max_runtime: 50_000 })).toEqual({
      config: { maxRuntime: ['Max runtime must be 10080 minutes (7 days) or less. Lower it to save this monitor.'] },
    });
    expect(configError(api, { ...CONFIG, failure_issue_threshold: 721, recovery_threshold: 'x' })).toEqual({
      config: { failureIssueThreshold: ['Ensure this value is less than or equal to 720.'], recoveryThreshold: ['A valid integer is required.'] },
    });
    expect(configError(api, { ...CONFIG, timezone: 'Mars/Olympus' })).toEqual({ config: { timezone: ['"Mars/Olympus" is not a valid choice.'] } });
    expect(configError(api, { schedule: '0 * * * *' })).toEqual({ config: { scheduleType: ['Missing or invalid schedule type'] } });
    expect(configError(api, { schedule_type: 'crontab' })).toEqual({ config: { schedule: ['This field is required.'] } });
    expect(configError(api, { schedule_type: 'crontab', schedule: '@reboot' })).toEqual({ config: { schedule: ['Schedule was not parseable'] } });
    expect(configError(api, { schedule_type: 'crontab', schedule: '0 0 * * * *' })).toEqual({
      config: { schedule: ['Only 5 field crontab syntax is supported'] },
    });
    expect(configError(api, { schedule_type: 'crontab', schedule: '61 * * * *' })).toEqual({ config: { schedule: ['Schedule is invalid'] } });
    expect(configError(api, { schedule_type: 'crontab', schedule: [1, 'hour'] })).toEqual({ config: { schedule: ["Invalid schedule for 'crontab' type"] } });
    expect(configError(api, { schedule_type: 'interval', schedule: '1 hour' })).toEqual({ config: { schedule: ["Invalid schedule for for 'interval' type"] } });
    expect(configError(api, { schedule_type: 'interval', schedule: [0, 'hour'] })).toEqual({ config: { schedule: ['Interval must be greater than zero'] } });
    expect(configError(api, { schedule_type: 'interval', schedule: [1, 'hours'] })).toEqual({
      config: { schedule: ['Invalid schedule for schedule unit name'] },
    });
    expect(configError(api, { schedule_type: 'interval', schedule: [1.5, 'hour'] })).toEqual({
      config: { schedule: ['Invalid schedule for schedule unit count'] },
    });
    expect(create(api, { config: 'daily' }).json()).toEqual({ config: { nonFieldErrors: ['Invalid data. Expected a dictionary, but got str.'] } });
  });

  it('normalises what it accepts: 0 margin, @aliases, whitespace, the object form, camelCase keys', () => {
    const api = setup();
    const config = (slug: string, body: Record<string, unknown>) => (create(api, { slug, config: body }).json() as { config: unknown }).config;
    expect(config('a', { schedule_type: 'crontab', schedule: ' @daily ', checkin_margin: 0, timezone: '' })).toEqual({
      schedule_type: 'crontab',
      schedule: '0 0 * * *',
      checkin_margin: 1,
      max_runtime: null,
      failure_issue_threshold: null,
      recovery_threshold: null,
    });
    expect(config('b', { schedule: { type: 'interval', value: 10, unit: 'minute' }, maxRuntime: '30' })).toMatchObject({
      schedule_type: 'interval',
      schedule: [10, 'minute'],
      max_runtime: 30,
    });
    expect(config('c', { schedule_type: 'interval', schedule: [2, 'day'] })).toMatchObject({ schedule: [2, 'day'] });
    expect(config('d', { schedule: { type: 'crontab', value: '*/5   *  * * *' } })).toMatchObject({ schedule_type: 'crontab', schedule: '*/5 * * * *' });
  });

  it('ignores isMuted on create, as MonitorValidator.create does', () => {
    expect(create(setup(), { isMuted: true }).json()).toMatchObject({ isMuted: false });
  });

  it('answers body errors the way DRF does', () => {
    const api = setup();
    const broken = call(api, 'POST', INDEX, { body: '{"name": ' });
    expect(broken.status).toBe(400);
    expect((broken.json() as { detail: string }).detail).toMatch(/^JSON parse error - /);
    expect(call(api, 'POST', INDEX, { body: '[1]' }).json()).toEqual({ nonFieldErrors: ['Invalid data. Expected a dictionary, but got list.'] });
    expect(call(api, 'POST', INDEX, { body: 'null' }).json()).toEqual({ nonFieldErrors: ['No data provided'] });
    expect(call(api, 'POST', INDEX, { body: { name: 'a', is_muted: true, isMuted: false } }).json()).toEqual({
      isMuted: 'isMuted collides with is_muted, please pass only one value', // CamelSnakeSerializer refuses smuggling
    });
    const text = call(api, 'POST', INDEX, { body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(text).toMatchObject({ status: 415, body: JSON.stringify({ detail: 'Unsupported media type "text/plain" in request.' }) });
  });
});

describe('reading and updating one monitor', () => {
  it('finds it by slug or id, else 404', () => {
    const api = setup();
    const created = create(api, { slug: 'backup' }).json() as { id: string };
    expect(call(api, 'GET', `${INDEX}backup/`).json()).toEqual(created);
    expect(call(api, 'GET', `${INDEX}${created.id}/`).json()).toEqual(created);
    expect(call(api, 'GET', `${INDEX}nope/`)).toMatchObject({ status: 404, body: JSON.stringify({ detail: 'The requested resource does not exist' }) });
    expect(call(api, 'PUT', `${INDEX}nope/`, { body: {} }).status).toBe(404);
  });

  it('merges a partial update into the existing config and re-validates it', () => {
    const api = setup();
    create(api, { slug: 'backup' });
    const updated = call(api, 'PUT', `${INDEX}backup/`, { body: { name: 'Backup', config: { schedule: '@hourly', checkin_margin: 10 } } });
    expect(updated.status).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Backup', config: { ...CONFIG, schedule: '0 * * * *', checkin_margin: 10 } });
    const interval = call(api, 'PUT', `${INDEX}backup/`, { body: { config: { schedule_type: 'interval', schedule: [1, 'hour'] } } }).json();
    expect(interval).toMatchObject({ config: { schedule_type: 'interval', schedule: [1, 'hour'], max_runtime: 60, timezone: 'Europe/Vienna' } });
    const invalid = call(api, 'PUT', `${INDEX}backup/`, { body: { config: { schedule: '0 * * * *' } } });
    expect(invalid.json()).toEqual({ config: { schedule: ["Invalid schedule for for 'interval' type"] } });
    expect(call(api, 'PUT', `${INDEX}backup/`, { body: { project: 'frontend' } }).json()).toEqual({
      detail: { message: 'existing monitors may not be moved between projects' },
    });
  });

  it('renames the slug, keeping its own, and mutes every environment', () => {
    const api = setup();
    api.seed(3);
    create(api, { slug: 'backup' });
    expect(call(api, 'PUT', `${INDEX}backup/`, { body: { slug: 'backup' } }).status).toBe(200);
    expect(call(api, 'PUT', `${INDEX}backup/`, { body: { slug: 'seeded-0001' } }).json()).toEqual({ slug: ['The slug "seeded-0001" is already in use.'] });
    expect(call(api, 'PUT', `${INDEX}backup/`, { body: { slug: 'db-backup' } }).json()).toMatchObject({ slug: 'db-backup' });
    const muted = call(api, 'PUT', `${INDEX}seeded-0003/`, { body: { isMuted: true } }).json() as { isMuted: boolean; environments: { isMuted: boolean }[] };
    expect(muted.isMuted).toBe(true);
    expect(muted.environments.length).toBe(2);
    expect(muted.environments.every((env) => env.isMuted)).toBe(true);
  });
});

describe('listing monitors', () => {
  const linkOf = (response: { headers: Record<string, string> }) => response.headers.Link;

  it('pages 100 at a time with Sentry’s Link header', () => {
    const api = setup();
    api.seed(150);
    const first = call(api, 'GET', `${INDEX}?per_page=100`);
    expect(first.status).toBe(200);
    expect((first.json() as unknown[]).length).toBe(100);
    expect(linkOf(first)).toBe(
      `<${ORIGIN}${INDEX}?per_page=100&cursor=100:-1:1>; rel="previous"; results="false"; cursor="100:-1:1", ` +
        `<${ORIGIN}${INDEX}?per_page=100&cursor=100:1:0>; rel="next"; results="true"; cursor="100:1:0"`,
    );
    const second = call(api, 'GET', `${INDEX}?per_page=100&cursor=100:1:0`);
    expect((second.json() as unknown[]).length).toBe(50);
    expect(linkOf(second)).toContain('rel="previous"; results="true"; cursor="100:0:1"');
    expect(linkOf(second)).toContain('rel="next"; results="false"; cursor="100:2:0"');
    const all = [...(first.json() as { slug: string }[]), ...(second.json() as { slug: string }[])].map((m) => m.slug);
    expect(new Set(all).size).toBe(150);
  });

  it('defaults to 100 a page and writes "?&cursor" when there is no other parameter', () => {
    const api = setup();
    api.seed(101);
    const response = call(api, 'GET', INDEX);
    expect((response.json() as unknown[]).length).toBe(100);
    expect(linkOf(response)).toContain(`<${ORIGIN}${INDEX}?&cursor=100:1:0>; rel="next"; results="true"`);
  });

  it('refuses bad paging parameters with 400', () => {
    const api = setup();
    expect(call(api, 'GET', `${INDEX}?per_page=101`).json()).toEqual({ detail: 'Invalid per_page value. Cannot exceed 100.' });
    expect(call(api, 'GET', `${INDEX}?per_page=ten`).json()).toEqual({ detail: 'Invalid per_page parameter.' });
    expect(call(api, 'GET', `${INDEX}?cursor=abc`).json()).toEqual({ detail: 'Invalid cursor parameter.' });
    expect(call(api, 'GET', `${INDEX}?cursor=100:-1:1`).json()).toEqual({ detail: 'Pagination offset cannot be negative' });
  });

  it('filters by project id (-1 = all, unknown = 403, slug = 400) and projectSlug', () => {
    const api = setup();
    api.seed(3, 'backend');
    api.seed(2, 'frontend');
    const count = (query: string) => (call(api, 'GET', `${INDEX}?${query}`).json() as unknown[]).length;
    expect(count('project=42')).toBe(3);
    expect(count('project=43')).toBe(2);
    expect(count('project=42&project=43')).toBe(5);
    expect(count('project=-1')).toBe(5);
    expect(count('projectSlug=frontend')).toBe(2);
    expect(call(api, 'GET', `${INDEX}?project=99`)).toMatchObject({ status: 403 });
    expect(call(api, 'GET', `${INDEX}?project=backend`).json()).toEqual({ detail: 'Invalid project parameter. Values must be numbers.' });
  });

  it('filters by environment and 404s one the organization has never seen', () => {
    const api = setup();
    api.seed(14);
    const staging = call(api, 'GET', `${INDEX}?environment=staging`).json() as { environments: { name: string }[] }[];
    expect(staging.length).toBe(4);
    expect(staging.every((m) => m.environments.length === 1 && m.environments[0]?.name === 'staging')).toBe(true);
    expect(call(api, 'GET', `${INDEX}?environment=qa`).status).toBe(404);
  });

  it('sorts like sort=status: failing first, then muted, disabled, never checked in (NULLS LAST)', () => {
    const api = setup();
    api.seed(14);
    const rows = call(api, 'GET', INDEX).json() as { slug: string; status: string; isMuted: boolean; environments: { status: string }[] }[];
    expect(rows[0]?.environments.some((env) => env.status === 'error')).toBe(true);
    expect(rows.slice(-4).map((m) => m.slug)).toEqual(['seeded-0011', 'seeded-0013', 'seeded-0007', 'seeded-0014']);
    const reversed = (call(api, 'GET', `${INDEX}?asc=0`).json() as { slug: string }[]).map((m) => m.slug);
    expect(reversed.slice(0, 2)).toEqual(['seeded-0007', 'seeded-0014']); // NULLS FIRST when descending
  });
});

describe('test controls', () => {
  it('seeds varied monitors a table can show', () => {
    const api = setup();
    api.seed(12);
    const monitors = api.monitors();
    expect(monitors.map((m) => m.slug).slice(0, 2)).toEqual(['seeded-0001', 'seeded-0002']);
    expect(new Set(monitors.map((m) => JSON.stringify(m.config.schedule))).size).toBeGreaterThan(4);
    expect(monitors.some((m) => m.environments.some((e) => e.status === 'error'))).toBe(true);
    expect(monitors.some((m) => m.environments.length === 2)).toBe(true);
    expect(monitors[0]?.environments[0]).toMatchObject({ name: 'production', status: 'ok', lastCheckIn: expect.any(String), nextCheckIn: expect.any(String) });
    api.seed(1);
    expect(api.monitors().at(-1)?.slug).toBe('seeded-0013');
    expect(() => api.seed(1, 'nope')).toThrow(/no project nope/);
  });

  it('logs requests and answers every request with a fault while one is set', () => {
    const api = setup();
    api.setFault({ status: 503, body: 'down', headers: { 'Retry-After': '7' } });
    expect(call(api, 'GET', `${INDEX}?per_page=100`)).toMatchObject({ status: 503, body: 'down', headers: { 'Retry-After': '7' } });
    api.setFault(undefined);
    expect(call(api, 'GET', INDEX).status).toBe(200);
    expect(api.requests).toEqual([
      { method: 'GET', path: `${INDEX}?per_page=100` },
      { method: 'GET', path: INDEX },
    ]);
  });
});
