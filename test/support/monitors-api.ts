import { INTERVAL_UNITS, parseCrontab } from '../../src/monitor/schedule.js';
import { isValidTimezone } from '../../src/monitor/timezone.js';

// A strict in-memory imitation of Sentry's organization monitors REST API (getsentry/sentry:
// monitors/endpoints/organization_monitor_index.py + base_monitor_details.py, validators.py,
// serializers.py, api/base.py + paginator.py, api/bases/organization.py, DRF field errors).
// Choices where Sentry is unspecified or not imitated:
// - list order is Sentry's default `sort=status` (disabled/all-muted last, then worst environment
//   status, then newest check-in); ties, which Postgres leaves arbitrary, go by creation order.
//   `asc=0` reverses it; other `sort`s, `query` and `owner` filters, bulk PUT and DELETE are not
//   imitated (405), and neither are `alertRule`s (ignored, like any unknown key).
// - owners `user:N`/`team:N` are accepted without a member registry; `name` is made up.
// - ids and seeded data are deterministic; created monitors carry the real creation time.
// - malformed JSON gives DRF's "JSON parse error - " prefix with V8's message, not Python's;
//   a non-JSON Content-Type is 415 (Sentry would also parse forms); a present but empty
//   schedule is 400 (Sentry stores a broken monitor); a float cursor value is 400 (Sentry 500s).

export interface ApiProject {
  id: string;
  slug: string;
  name: string;
}
export interface MonitorsApiOptions {
  token: string;
  org: string;
  projects: ApiProject[];
  regionUrl?: string;
}
export interface ApiRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
export interface ApiFault {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}
export interface MonitorsApi {
  handle(request: ApiRequest): ApiResponse;
  monitors(): SerializedMonitor[];
  seed(count: number, projectSlug?: string): void;
  requests: { method: string; path: string }[];
  // A fixed answer to every request, or one chosen per request (undefined: answer normally).
  setFault(fault: ApiFault | ((request: ApiRequest) => ApiFault | undefined) | undefined): void;
}

type EnvStatus = 'active' | 'disabled' | 'ok' | 'error';
interface Environment {
  name: string;
  status: EnvStatus;
  isMuted: boolean;
  lastCheckIn: string | null;
  nextCheckIn: string | null;
  nextCheckInLatest: string | null;
}
interface Owner {
  type: 'user' | 'team';
  id: string;
}
export interface MonitorConfig {
  schedule_type: 'crontab' | 'interval';
  schedule: string | unknown[];
  checkin_margin: number | null;
  max_runtime: number | null;
  timezone?: string;
  failure_issue_threshold: number | null;
  recovery_threshold: number | null;
  alert_rule_id?: number;
}
export interface SerializedMonitor {
  id: string;
  status: 'active' | 'disabled';
  isMuted: boolean;
  type: 'cron_job';
  name: string;
  slug: string;
  config: MonitorConfig;
  dateCreated: string;
  project: { id: string; slug: string; name: string; platform: string | null };
  environments: (Environment & {
    dateCreated: string;
    activeIncident: { startingTimestamp: string | null; resolvingTimestamp: null; brokenNotice: null } | null;
  })[];
  owner: (Owner & { name: string }) | null;
}
interface Monitor {
  seq: number;
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'disabled';
  isMuted: boolean;
  project: ApiProject;
  owner: Owner | null;
  config: MonitorConfig;
  dateCreated: string;
  environments: Environment[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const pyTruthy = (v: unknown) =>
  !(
    v === null ||
    v === undefined ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
const pyType = (v: unknown) =>
  v === null ? 'NoneType' : Array.isArray(v) ? 'list' : typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int' : 'float';
const pyStr = (v: unknown) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'string' ? v : JSON.stringify(v));
const pyInt = (v: string): number | undefined => (/^\s*[+-]?\d+(_\d+)*\s*$/.test(v) ? Number(v.replace(/_/g, '')) : undefined);
const last = (values: string[]) => values[values.length - 1];
const iso = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z'); // Sentry's "%Y-%m-%dT%H:%M:%S.%fZ"

// ---- DRF-style validation: each field collects its own list of messages -------------------
class Invalid {
  constructor(readonly detail: unknown) {}
}
const fail = (...messages: string[]): never => {
  throw new Invalid(messages);
};
interface Field {
  parse: (value: unknown) => unknown;
  required?: boolean;
  allowNull?: boolean;
  default?: unknown;
}

function runFields(data: Json, fields: Record<string, Field>, partial: boolean): Json {
  const attrs: Json = {};
  const errors: Json = {};
  for (const [name, field] of Object.entries(fields)) {
    if (!Object.hasOwn(data, name)) {
      if (partial) continue;
      if (field.required) errors[name] = ['This field is required.'];
      else if ('default' in field) attrs[name] = field.default;
      continue;
    }
    const value = data[name];
    if (value === null && !field.allowNull) {
      errors[name] = ['This field may not be null.'];
      continue;
    }
    try {
      attrs[name] = value === null ? null : field.parse(value);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      errors[name] = error.detail;
    }
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return attrs;
}
const notADict = (v: unknown) => new Invalid({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(v)}.`] });

const SLUG_MESSAGE = 'Enter a valid slug consisting of lowercase letters, numbers, underscores or hyphens. It cannot be entirely numeric.';
function text(value: unknown, maxLength: number, slug = false): string {
  // CharField(trim_whitespace) / SentrySerializerSlugField
  if (typeof value === 'boolean' || (typeof value !== 'string' && typeof value !== 'number')) return fail('Not a valid string.');
  const s = String(value).trim();
  if (s === '') return fail('This field may not be blank.');
  const errors = [...s].length > maxLength ? [`Ensure this field has no more than ${maxLength} characters.`] : [];
  if (slug && !/^(?![0-9]+$)[a-z0-9_-]+$/.test(s)) errors.push(SLUG_MESSAGE);
  return errors.length > 0 ? fail(...errors) : s;
}
function choice<T extends string>(value: unknown, choices: readonly T[]): T {
  const s = pyStr(value);
  return (choices as readonly string[]).includes(s) ? (s as T) : fail(`"${s}" is not a valid choice.`);
}
function integer(value: unknown, max: number, maxMessage = `Ensure this value is less than or equal to ${max}.`, zeroIsOne = false): number | null {
  if (value === '') return null; // EmptyIntegerField
  const parsed = pyInt(typeof value === 'number' || typeof value === 'string' ? String(value).replace(/\.0*\s*$/, '') : '');
  if (parsed === undefined) return fail('A valid integer is required.');
  const n = zeroIsOne && parsed === 0 ? 1 : parsed; // MissedMarginField: 0 is rewritten to 1
  return n < 1 ? fail('Ensure this value is greater than or equal to 1.') : n > max ? fail(maxMessage) : n;
}
const TRUE = new Set<unknown>([true, 1, '1', 't', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set<unknown>([false, 0, '0', 'f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const boolean = (v: unknown) => (TRUE.has(v) ? true : FALSE.has(v) ? false : fail('Must be a valid boolean.'));
function owner(value: unknown): Owner | null {
  // "user:N", "team:N", or a bare user id
  if (!pyTruthy(value)) return null;
  const match = /^(?:(user|team):)?(\d+)$/.exec(typeof value === 'number' || typeof value === 'string' ? String(value) : '');
  if (!match) return fail('Could not parse actor. Format should be `type:id` where type is `team` or `user`.');
  return { type: match[1] === 'team' ? 'team' : 'user', id: String(Number(match[2])) };
}

const MAX_MARGIN = 40_320,
  MAX_TIMEOUT = 40_320,
  MAX_THRESHOLD = 720;
const SCHEDULE_TYPES = ['crontab', 'interval'] as const;
const CONFIG_FIELDS: Record<string, Field> = {
  schedule_type: { parse: (v) => choice(v, SCHEDULE_TYPES) },
  schedule: { required: true, parse: (v) => v },
  checkin_margin: { allowNull: true, default: null, parse: (v) => integer(v, MAX_MARGIN, undefined, true) },
  max_runtime: {
    allowNull: true,
    default: null,
    parse: (v) => integer(v, MAX_TIMEOUT, 'Max runtime must be 10080 minutes (7 days) or less. Lower it to save this monitor.'),
  },
  timezone: { parse: (v) => (v === '' || isValidTimezone(pyStr(v)) ? v : fail(`"${pyStr(v)}" is not a valid choice.`)) },
  failure_issue_threshold: { allowNull: true, default: null, parse: (v) => integer(v, MAX_THRESHOLD) },
  recovery_threshold: { allowNull: true, default: null, parse: (v) => integer(v, MAX_THRESHOLD) },
};

// ConfigValidator.validate: the schedule in its REST form, checked as Sentry checks it.
function validateConfig(value: unknown, existing: MonitorConfig | undefined, partial: boolean): Json {
  if (!isObject(value)) throw notADict(value);
  const attrs = runFields(value, CONFIG_FIELDS, partial);
  let type: unknown = 'schedule_type' in attrs ? attrs.schedule_type : existing?.schedule_type;
  if (attrs.timezone === '') delete attrs.timezone;
  if (!('schedule' in attrs)) return attrs;
  const invalid = (message: string): never => {
    throw new Invalid({ schedule: [message] });
  };
  let schedule = attrs.schedule;
  if (!pyTruthy(schedule)) invalid('Schedule is invalid');
  const named = isObject(schedule) ? schedule.type : undefined; // the {type, value, unit} form names its own type
  if (pyTruthy(named)) type = SCHEDULE_TYPES.find((t) => t === named);
  if (type === undefined) throw new Invalid({ schedule_type: ['Missing or invalid schedule type'] });
  if (type === 'interval') {
    if (isObject(schedule)) schedule = [schedule.value, schedule.unit];
    if (!Array.isArray(schedule)) return invalid("Invalid schedule for for 'interval' type");
    const [count, unit] = schedule as unknown[];
    if (typeof count !== 'boolean' && !Number.isInteger(count)) invalid('Invalid schedule for schedule unit count');
    if (Number(count) <= 0) invalid('Interval must be greater than zero');
    if (!(INTERVAL_UNITS as readonly unknown[]).includes(unit)) invalid('Invalid schedule for schedule unit name');
  } else {
    if (isObject(schedule)) schedule = schedule.value;
    if (typeof schedule !== 'string') return invalid("Invalid schedule for 'crontab' type");
    let crontab = schedule.replace(/\s+/g, ' ').trim();
    if (crontab.startsWith('@')) {
      try {
        crontab = parseCrontab(crontab, 'schedule');
      } catch {
        invalid('Schedule was not parseable');
      }
    }
    if (crontab.split(' ').length > 5) invalid('Only 5 field crontab syntax is supported');
    try {
      parseCrontab(crontab, 'schedule');
    } catch {
      invalid('Schedule is invalid');
    }
    schedule = crontab;
  }
  return { ...attrs, schedule, schedule_type: type };
}

// CamelSnakeSerializer: camelCase keys are accepted (recursively); error keys come back camelCase.
class Collision {
  constructor(
    readonly key: string,
    readonly converted: string,
  ) {}
}
const toSnake = (key: string) =>
  key
    .replace(/((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$))/g, '_$&')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
const toCamel = (key: string) =>
  key
    .replace(/^_+|_+$/g, '')
    .split('_')
    .map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
function convertKeys(value: unknown, convert: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => convertKeys(item, convert));
  if (!isObject(value)) return value;
  const out: Json = { ...value };
  for (const key of Object.keys(value)) {
    const converted = convert(key);
    if (converted !== key && Object.hasOwn(out, converted)) throw new Collision(key, converted);
    const item = out[key];
    delete out[key];
    out[converted] = convertKeys(item, convert);
  }
  return out;
}

// Django's slugify, and the two ways Sentry applies it to monitor slugs.
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f ';
const slugify = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/[^\p{ASCII}]/gu, '')
    .toLowerCase()
    .replace(new RegExp(`[^\\w${SPACE}-]`, 'g'), '')
    .replace(new RegExp(`[${SPACE}-]+`, 'g'), '-')
    .replace(/^[-_]+|[-_]+$/g, '');
const SUFFIX_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456790'; // sic, Sentry's slugify_instance alphabet

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const detail = (status: number, message: string, headers?: Record<string, string>) => json(status, { detail: message }, headers);
const NOT_FOUND = 'The requested resource does not exist';
const ENV_ORDER: EnvStatus[] = ['error', 'ok', 'active', 'disabled'];
type Key = number | string | null;
function compare(a: Key, b: Key, desc: boolean): number {
  // Postgres: NULLS LAST ascending, NULLS FIRST descending
  if (a === b) return 0;
  if (a === null || b === null) return (a === null) === desc ? -1 : 1;
  return a < b === desc ? 1 : -1;
}
const sortBy = <T>(items: T[], keys: [(item: T) => Key, boolean][]) =>
  items.sort((a, b) => keys.reduce((result, [key, desc]) => result || compare(key(a), key(b), desc), 0));
const envRank = (e: Environment) => (e.isMuted ? 5 : ENV_ORDER.indexOf(e.status));
const lastCheckIn = (envs: Environment[]) =>
  envs.map((e) => e.lastCheckIn).reduce<string | null>((max, t) => (t !== null && (max === null || t > max) ? t : max), null);

const SEED_EPOCH = Date.UTC(2025, 0, 6, 12, 0, 0);
const SEED_SCHEDULES: [MonitorConfig['schedule_type'], string | [number, string]][] = [
  ['crontab', '0 * * * *'],
  ['interval', [10, 'minute']],
  ['crontab', '30 3 * * *'],
  ['interval', [1, 'day']],
  ['crontab', '*/15 8-18 * * 1-5'],
  ['interval', [2, 'hour']],
];
const SEED_ZONES = [undefined, 'UTC', 'Europe/Vienna', 'America/New_York'];

export function createMonitorsApi(options: MonitorsApiOptions): MonitorsApi {
  const store: Monitor[] = [];
  const requests: { method: string; path: string }[] = [];
  let pickFault: ((request: ApiRequest) => ApiFault | undefined) | undefined;
  let seq = 0,
    seeded = 0,
    suffixes = 0;
  const guid = (n: number) => `5e17c0de-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const orgEnvironments = () => new Set(store.flatMap((m) => m.environments.map((e) => e.name)));

  function serialize(m: Monitor, only?: Set<string>): SerializedMonitor {
    const envs = sortBy(
      m.environments.filter((e) => !only || only.has(e.name)),
      [
        [envRank, false],
        [(e) => e.lastCheckIn, true],
      ],
    );
    return {
      id: m.id,
      status: m.status,
      isMuted: m.isMuted,
      type: 'cron_job',
      name: m.name,
      slug: m.slug,
      config: structuredClone(m.config),
      dateCreated: m.dateCreated,
      project: { id: m.project.id, slug: m.project.slug, name: m.project.name, platform: null },
      environments: envs.map((e) => ({
        ...e,
        dateCreated: m.dateCreated,
        activeIncident: e.status === 'error' ? { startingTimestamp: e.lastCheckIn, resolvingTimestamp: null, brokenNotice: null } : null,
      })),
      owner: m.owner && { ...m.owner, name: `${m.owner.type}-${m.owner.id}` },
    };
  }

  // slugify_instance: the name's slug, made unique in the org with a short suffix.
  function slugFromName(name: string): string {
    const base = slugify(name).slice(0, 50).trim() || guid(seq + 1).slice(-12);
    const taken = (slug: string) => store.some((m) => m.slug.toLowerCase() === slug.toLowerCase());
    if (!taken(base)) return base;
    for (let attempt = 0; attempt < 27; attempt++) {
      const size = attempt < 1 ? 2 : attempt < 6 ? 3 : attempt < 26 ? 5 : 12;
      let n = ++suffixes,
        end = '';
      for (let i = 0; i < size; i++, n = Math.floor(n / 36)) end = SUFFIX_CHARS.charAt(n % 36) + end;
      const candidate = `${base.slice(0, 50 - size - 1)}-${end}`;
      if (!taken(candidate)) return candidate;
    }
    return base;
  }

  // MonitorValidator; `existing` makes it the partial update of PUT.
  function validate(data: Json, existing?: Monitor): Json {
    const partial = existing !== undefined;
    return runFields(
      data,
      {
        project: { required: true, parse: (v) => options.projects.find((p) => p.id === pyStr(v) || p.slug === pyStr(v)) ?? fail('Invalid project') },
        name: { required: true, parse: (v) => text(v, 128) },
        slug: {
          parse: (v) => {
            const slug = slugify(text(v, 50, true))
              .slice(0, 50)
              .replace(/^-+|-+$/g, '');
            if (slug === existing?.slug || !store.some((m) => m.slug === slug)) return slug;
            return fail(`The slug "${slug}" is already in use.`);
          },
        },
        status: { default: 'active', parse: (v) => choice(v, ['active', 'disabled']) },
        owner: { allowNull: true, parse: owner },
        is_muted: { parse: boolean },
        config: { required: true, parse: (v) => validateConfig(v, existing?.config, partial) },
      },
      partial,
    );
  }

  function readBody(request: ApiRequest): { data: unknown } | ApiResponse {
    const type = header(request, 'content-type');
    if (request.body.length === 0 || !type) return { data: {} }; // DRF: no body or no media type → empty data
    if (!/^application\/json\s*(;|$)/i.test(type)) return detail(415, `Unsupported media type "${type}" in request.`);
    try {
      return { data: convertKeys(JSON.parse(request.body.toString('utf8')), toSnake) };
    } catch (error) {
      if (error instanceof Collision) return json(400, { [error.key]: `${error.key} collides with ${error.converted}, please pass only one value` });
      return detail(400, `JSON parse error - ${(error as Error).message}`);
    }
  }

  function save(request: ApiRequest, existing?: Monitor): ApiResponse {
    const body = readBody(request);
    if (!('data' in body)) return body;
    const { data } = body;
    if (!isObject(data))
      return json(400, { nonFieldErrors: [data === null ? 'No data provided' : `Invalid data. Expected a dictionary, but got ${pyType(data)}.`] });
    let attrs: Json;
    try {
      attrs = validate(data, existing);
    } catch (error) {
      if (error instanceof Invalid) return json(400, convertKeys(error.detail, toCamel));
      throw error;
    }
    const config = attrs.config as Partial<MonitorConfig> | undefined;
    if (!existing) {
      const monitor: Monitor = {
        seq: ++seq,
        id: guid(seq),
        slug: (attrs.slug as string | undefined) || slugFromName(attrs.name as string),
        name: attrs.name as string,
        status: attrs.status as Monitor['status'],
        isMuted: false, // MonitorValidator.create does not pass is_muted on
        project: attrs.project as ApiProject,
        owner: (attrs.owner as Owner | null | undefined) ?? null,
        config: config as MonitorConfig,
        dateCreated: iso(Date.now()),
        environments: [],
      };
      store.push(monitor);
      return json(201, serialize(monitor));
    }
    if (attrs.project !== undefined && attrs.project !== existing.project)
      return json(400, { detail: { message: 'existing monitors may not be moved between projects' } });
    if ('owner' in attrs) existing.owner = attrs.owner as Owner | null;
    if (typeof attrs.name === 'string') existing.name = attrs.name;
    if (typeof attrs.slug === 'string' && attrs.slug !== '') existing.slug = attrs.slug;
    if (attrs.status !== undefined) existing.status = attrs.status as Monitor['status'];
    if (typeof attrs.is_muted === 'boolean') {
      // forwarded to every environment, as Sentry does
      existing.isMuted = attrs.is_muted;
      for (const env of existing.environments) env.isMuted = attrs.is_muted;
    }
    if (config) existing.config = { ...existing.config, ...config }; // merged, like Sentry
    return json(200, serialize(existing));
  }

  // get_environments: `environment` filters; a name the org has never seen is a 404.
  function environmentFilter(url: URL): Set<string> | undefined | null {
    const names = new Set(url.searchParams.getAll('environment'));
    if (names.size === 0) return undefined;
    const known = orgEnvironments();
    return [...names].every((n) => known.has(n)) ? names : null;
  }

  // get_filter_params: `project` ids (-1 = all) or `projectSlug`s ($all); one not found is a 403.
  function requestedProjects(q: URLSearchParams): ApiProject[] | ApiResponse {
    const ids = q.getAll('project').map(pyInt);
    if (ids.includes(undefined)) return detail(400, 'Invalid project parameter. Values must be numbers.');
    const slugs = new Set(q.getAll('projectSlug').filter(Boolean));
    if (slugs.size > 0 ? slugs.has('$all') : ids.length === 0 || ids.includes(-1)) return options.projects;
    const found = options.projects.filter((p) => (slugs.size > 0 ? slugs.has(p.slug) : ids.includes(Number(p.id))));
    return found.length === (slugs.size > 0 ? slugs.size : new Set(ids).size) ? found : detail(403, 'You do not have permission to perform this action.');
  }

  function list(url: URL): ApiResponse {
    const q = url.searchParams;
    const projects = requestedProjects(q);
    if (!Array.isArray(projects)) return projects;
    if (projects.length === 0) return json(200, []);
    const envs = environmentFilter(url);
    if (envs === null) return detail(404, NOT_FOUND);
    const perPage = pyInt(last(q.getAll('per_page')) ?? '100');
    if (perPage === undefined) return detail(400, 'Invalid per_page parameter.');
    if (perPage > 100) return detail(400, 'Invalid per_page value. Cannot exceed 100.');
    const rawCursor = last(q.getAll('cursor'));
    const bits = rawCursor ? rawCursor.split(':').map(pyInt) : [0, 0, 0];
    const [value, page] = bits;
    if (bits.length !== 3 || bits.includes(undefined) || value === undefined || page === undefined) return detail(400, 'Invalid cursor parameter.');

    // sort=status: disabled 5, every environment muted 4, else the best-ranked environment
    // (error 0, ok 1, active 2, disabled 3, muted 5), no environment NULL; then newest check-in.
    const seen = (m: Monitor) => m.environments.filter((e) => !envs || envs.has(e.name));
    const statusRank = (m: Monitor, own = seen(m)) =>
      m.status === 'disabled' ? 5 : own.length === 0 ? null : own.every((e) => e.isMuted) ? 4 : Math.min(...own.map(envRank));
    const desc = (last(q.getAll('asc')) ?? '1') !== '1';
    const matches = sortBy(
      store.filter((m) => projects.includes(m.project) && (!envs || seen(m).length > 0 || (q.has('includeNew') && m.environments.length === 0))),
      [
        [statusRank, desc],
        [(m) => lastCheckIn(seen(m)), !desc],
        [(m) => m.seq, false],
      ],
    );

    // OffsetPaginator: cursor "<page size>:<page>:<is_prev>", the Link header as api/base.py builds it.
    const limit = Math.min(perPage, 100);
    const offset = page * value;
    if (offset < 0) return detail(400, 'Pagination offset cannot be negative');
    let results = matches.slice(offset, offset + (value || limit) + 1);
    if (value !== limit) results = results.slice(-(limit + 1));
    const grouped = new Map<string, string[]>(); // Django's QueryDict groups repeated keys
    for (const [k, v] of q) if (k !== 'cursor') grouped.set(k, [...(grouped.get(k) ?? []), v]);
    const query = new URLSearchParams([...grouped].flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v]))).toString();
    const link = (rel: string, cursor: string, more: boolean) =>
      `<${url.origin}${url.pathname}?${query}&cursor=${cursor}>; rel="${rel}"; results="${more}"; cursor="${cursor}"`;
    const Link = `${link('previous', `${limit}:${page - 1}:1`, page > 0)}, ${link('next', `${limit}:${page + 1}:0`, results.length > limit)}`;
    return json(
      200,
      results.slice(0, limit).map((m) => serialize(m, envs)),
      { Link },
    );
  }

  // Looked up by slug, then by id; a 404 comes before a 405.
  function monitorDetails(request: ApiRequest, idOrSlug: string): ApiResponse {
    const key = idOrSlug.replace(/-/g, '').toLowerCase();
    const monitor = store.find((m) => m.slug === idOrSlug) ?? (/^[0-9a-f]{32}$/.test(key) ? store.find((m) => m.id.replace(/-/g, '') === key) : undefined);
    if (!monitor) return detail(404, NOT_FOUND);
    if (request.method === 'PUT') return save(request, monitor);
    if (request.method !== 'GET') return notAllowed(request.method, 'GET, PUT');
    const envs = environmentFilter(request.url);
    return envs === null ? detail(404, NOT_FOUND) : json(200, serialize(monitor, envs));
  }

  function handle(request: ApiRequest): ApiResponse {
    const { pathname } = request.url;
    requests.push({ method: request.method, path: pathname + request.url.search });
    const fault = pickFault?.(request);
    if (fault) return { status: fault.status, headers: { ...fault.headers }, body: fault.body ?? '' };
    const route = /^\/api\/0\/organizations\/([^/]+)\/(?:(monitors)\/(?:([^/]+)\/)?)?$/.exec(pathname);
    if (!route) return catchAll(request);
    const refused = authenticate(request);
    if (refused) return refused;
    const [, org = '', monitors, monitor] = route.map((part) => (part === undefined ? undefined : safeDecode(part)));
    if (org !== options.org && org !== ORG_ID) return detail(404, NOT_FOUND);
    if (monitor !== undefined) return monitorDetails(request, monitor);
    if (monitors !== undefined) {
      if (request.method === 'GET') return list(request.url);
      return request.method === 'POST' ? save(request) : notAllowed(request.method, 'GET, POST');
    }
    if (request.method !== 'GET') return notAllowed(request.method, 'GET');
    const origin = request.url.origin;
    return json(200, {
      id: ORG_ID,
      slug: options.org,
      status: { id: 'active', name: 'active' },
      name: options.org,
      dateCreated: iso(SEED_EPOCH - 86_400_000 * 365),
      isEarlyAdopter: false,
      require2FA: false,
      features: [],
      links: { organizationUrl: origin, regionUrl: options.regionUrl ?? origin },
    });
  }

  // DRF token auth as Sentry configures it ("Bearer", case-insensitive; 401 names xBasic).
  function authenticate(request: ApiRequest): ApiResponse | undefined {
    const parts = (header(request, 'authorization') ?? '').split(/\s+/).filter(Boolean);
    const refuse = (message: string) => detail(401, message, { 'WWW-Authenticate': 'xBasic realm="api"' });
    if (parts[0]?.toLowerCase() !== 'bearer') return refuse('Authentication credentials were not provided.');
    if (parts.length === 1) return refuse('Invalid token header. No credentials provided.');
    if (parts.length > 2) return refuse('Invalid token header. Token string should not contain spaces.');
    return parts[1] === options.token ? undefined : refuse('Invalid token');
  }

  function seed(count: number, projectSlug?: string): void {
    const project = projectSlug === undefined ? options.projects[0] : options.projects.find((p) => p.slug === projectSlug);
    if (!project) throw new Error(`seed: no project ${projectSlug ?? '(none configured)'}`);
    for (let i = 0; i < count; i++) {
      const n = ++seeded;
      const slug = `seeded-${String(n).padStart(4, '0')}`;
      if (store.some((m) => m.slug === slug)) throw new Error(`seed: monitor ${slug} already exists`);
      const [scheduleType, schedule] = SEED_SCHEDULES[n % SEED_SCHEDULES.length] ?? ['crontab', '0 * * * *'];
      const zone = SEED_ZONES[n % SEED_ZONES.length];
      const at = (minutes: number | null) => (minutes === null ? null : iso(SEED_EPOCH + (n * 7 + minutes) * 60_000));
      const disabled = n % 13 === 0,
        muted = n % 11 === 0;
      const env = (name: string, status: EnvStatus, checkedIn: number | null): Environment => ({
        name,
        status: disabled ? 'disabled' : status,
        isMuted: muted,
        lastCheckIn: at(checkedIn),
        nextCheckIn: at(checkedIn === null ? null : checkedIn + 60),
        nextCheckInLatest: at(checkedIn === null ? null : checkedIn + 65),
      });
      const staging = n % 2 === 0 ? env('staging', 'active', null) : env('staging', 'ok', -30);
      store.push({
        seq: ++seq,
        id: guid(seq),
        slug,
        name: `Seeded monitor ${n}`,
        status: disabled ? 'disabled' : 'active',
        isMuted: muted,
        project,
        owner: n % 4 === 0 ? { type: 'team', id: '1' } : null,
        config: {
          schedule_type: scheduleType,
          schedule: structuredClone(schedule),
          checkin_margin: n % 2 === 1 ? 5 : null,
          max_runtime: n % 4 === 0 ? 30 : null,
          ...(zone === undefined ? {} : { timezone: zone }),
          failure_issue_threshold: n % 3 === 0 ? 2 : null,
          recovery_threshold: n % 3 === 0 ? 1 : null,
        },
        dateCreated: iso(SEED_EPOCH + n * 60_000 - 86_400_000),
        environments: n % 7 === 0 ? [] : [env('production', n % 5 === 0 ? 'error' : 'ok', 0), ...(n % 3 === 0 ? [staging] : [])],
      });
    }
  }

  return {
    handle,
    monitors: () => store.map((m) => serialize(m)),
    seed,
    requests,
    setFault: (next) => {
      pickFault = typeof next === 'function' || next === undefined ? next : () => next;
    },
  };
}

const ORG_ID = '1';
const header = (request: ApiRequest, name: string): string | undefined => {
  const value = Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
};
const safeDecode = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};
const notAllowed = (method: string, allow: string) => detail(405, `Method "${method}" not allowed.`, { Allow: allow });

// Sentry's CatchallEndpoint: no auth, a trailing-slash hint, otherwise an empty 404.
function catchAll(request: ApiRequest): ApiResponse {
  const path = request.url.pathname;
  if (path.endsWith('/')) return { status: 404, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '' };
  const help = 'Route not found, did you forget a trailing slash?';
  const suggestion = `try: ${path}/`;
  if ((header(request, 'content-type') ?? '').startsWith('application/json')) return json(404, { info: `${help} ${suggestion}` });
  return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: `${help}\n\n${suggestion}\n${' '.repeat(suggestion.length - 1)}^\n` };
}
