import { BoundedMap } from './bounded-map.js';
import { UUID } from '../monitor/check-in-id.js';
import { SENTRY_CHECK_INS_PER_MINUTE } from '../monitor/check-in-limits.js';
import { judgeCheckIn, type ReceivedCheckIn } from './check-in-rules.js';
import { MalformedEnvelope, parseEnvelope, type EnvelopeItem } from './envelope.js';
import { isRecord as isObject } from '../util/is-record.js';

// Sentry's ingest endpoints as a pure request → answer function: the envelope endpoint and the
// HTTP cron endpoint, with relay's framing, size and auth rules and the consumer's check-in
// rules (protocol §2–§8). `cronmon listen` and the test server both answer through it.

export interface IngestRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ReceivedAttachment {
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export type ReceiverRecord =
  | ({ type: 'check_in'; time: Date; projectId: string; via: 'envelope' | 'cron'; notes: string[] } & ReceivedCheckIn)
  | { type: 'event'; time: Date; projectId: string; eventId: string; event: Record<string, unknown>; attachments: ReceivedAttachment[] }
  | { type: 'rejected'; time: Date; layer: 'http' | 'relay' | 'sentry'; status: number; reason: string; slug?: string };

export interface IngestAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  records: ReceiverRecord[];
}

export interface IngestOptions {
  // Only this public key (and project id) is accepted; by default any key and project.
  key?: string;
  projectId?: string;
  // Note a key Sentry ignores on every check-in that has it, not only the first time.
  everyIgnoredKey?: boolean;
}

const MAX_CHECK_IN_BYTES = 100 * 1024;
const MAX_EVENT_BYTES = 1024 * 1024;
const MAX_ATTACHMENTS = 30;
// Monitors, minute buckets and open runs remembered; the least recently used beyond are forgotten.
export const MAX_TRACKED = 10_000;
const ENVELOPE_TYPES = ['application/x-sentry-envelope', 'text/plain', 'multipart/form-data', 'application/x-www-form-urlencoded'];
const ENVELOPE_PATH = /^\/api\/(\d+)\/envelope\/?$/;
const CRON_PATH = /^\/api\/(\d+)\/cron\/([^/]+)(?:\/([^/]+))?\/?$/;

class HttpRejection extends Error {
  constructor(
    readonly status: number,
    reason: string,
    readonly layer: 'http' | 'relay' = 'http',
  ) {
    super(reason);
  }
}

const header = (request: IngestRequest, name: string) => [request.headers[name]].flat()[0];
const json = (status: number, body: unknown, records: ReceiverRecord[]): IngestAnswer => ({
  status,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
  records,
});

export function createIngest(options: IngestOptions = {}) {
  // Per project:slug:environment and minute, as the consumer buckets its rate limit.
  const perMinute = new BoundedMap<string, number>(MAX_TRACKED);
  const monitors = new BoundedMap<string, true>(MAX_TRACKED);
  const openRuns = new BoundedMap<string, { slug: string; environment: string; status: string }>(MAX_TRACKED);
  // SDKs send some (release) on every check-in: once is enough to know.
  const notedKeys = new BoundedMap<string, true>(MAX_TRACKED);

  function handle(request: IngestRequest, now = new Date()): IngestAnswer {
    const path = request.url.pathname;
    const envelopeMatch = ENVELOPE_PATH.exec(path);
    const cronMatch = CRON_PATH.exec(path);
    try {
      if (envelopeMatch) {
        if (request.method !== 'POST') throw new HttpRejection(405, `${request.method} is not allowed on the envelope endpoint; use POST`);
        return envelope(request, envelopeMatch[1] ?? '', now);
      }
      if (cronMatch) {
        if (request.method !== 'POST' && request.method !== 'GET') throw new HttpRejection(405, `${request.method} is not allowed on the cron endpoint`);
        return cron(request, cronMatch[1] ?? '', decodeURIComponent(cronMatch[2] ?? ''), cronMatch[3], now);
      }
      throw new HttpRejection(404, `no Sentry ingest endpoint at ${request.method} ${path}`);
    } catch (error) {
      if (!(error instanceof HttpRejection)) throw error;
      return json(error.status, { detail: error.message }, [{ type: 'rejected', time: now, layer: error.layer, status: error.status, reason: error.message }]);
    }
  }

  function authenticate(request: IngestRequest, projectId: string, extraKeys: (string | undefined)[]): void {
    const auth = header(request, 'x-sentry-auth');
    const fromHeader = typeof auth === 'string' ? /sentry_key=(\w+)/.exec(auth)?.[1] : undefined;
    const fromQuery = request.url.searchParams.get('sentry_key') ?? undefined;
    const keys = [fromHeader, fromQuery, ...extraKeys].filter((key): key is string => key !== undefined);
    if (keys.length === 0) throw new HttpRejection(403, 'missing authorization information: send X-Sentry-Auth or ?sentry_key=');
    if (new Set(keys).size > 1) throw new HttpRejection(403, 'the request names different keys in different places');
    const version = typeof auth === 'string' ? /sentry_version=([^,\s]*)/.exec(auth)?.[1] : request.url.searchParams.get('sentry_version');
    if (version !== undefined && version !== null && !/^\d+$/.test(version)) throw new HttpRejection(400, `invalid sentry_version ${version}`);
    if (options.key !== undefined && keys[0] !== options.key) throw new HttpRejection(401, 'invalid api key');
    if (options.projectId !== undefined && projectId !== options.projectId) throw new HttpRejection(403, `project ${projectId} does not exist`);
  }

  function envelope(request: IngestRequest, projectId: string, now: Date): IngestAnswer {
    const type = header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== undefined && type !== '' && !ENVELOPE_TYPES.includes(type)) throw new HttpRejection(415, `unsupported content type ${type}`);
    let parsed;
    try {
      parsed = parseEnvelope(request.body);
    } catch (error) {
      if (error instanceof MalformedEnvelope) throw new HttpRejection(400, `invalid envelope: ${error.message}`);
      throw error;
    }
    const dsn = parsed.headers.dsn;
    authenticate(request, projectId, [typeof dsn === 'string' ? /\/\/(\w+)/.exec(dsn)?.[1] : undefined]);
    checkItems(parsed.headers, parsed.items);

    const records: ReceiverRecord[] = [];
    // Relay reads the id as a UUID and answers with it as 32 lowercase hex digits.
    const eventId = typeof parsed.headers.event_id === 'string' ? parsed.headers.event_id.replaceAll('-', '').toLowerCase() : undefined;
    for (const item of parsed.items) {
      if (item.headers.type === 'check_in') records.push(...checkIn(parseJson(item.payload), projectId, 'envelope', now));
    }
    const eventItem = parsed.items.find((item) => item.headers.type === 'event');
    if (eventItem && eventId !== undefined) {
      const event = parseJson(eventItem.payload);
      if (!isObject(event)) {
        records.push({ type: 'rejected', time: now, layer: 'relay', status: 200, reason: 'the event is not a JSON object' });
      } else {
        const attachments = parsed.items
          .filter((item) => item.headers.type === 'attachment')
          .map((item) => ({
            filename: String(item.headers.filename),
            contentType: typeof item.headers.content_type === 'string' ? item.headers.content_type : 'application/octet-stream',
            size: item.payload.length,
            data: Buffer.from(item.payload),
          }));
        records.push({ type: 'event', time: now, projectId, eventId, event, attachments });
      }
    }
    return json(200, eventId === undefined ? {} : { id: eventId }, records);
  }

  // Framing rules relay applies before accepting an envelope (400 / 413 for the whole request).
  function checkItems(headers: Record<string, unknown>, items: EnvelopeItem[]): void {
    const count = (type: string) => items.filter((item) => item.headers.type === type).length;
    if (count('check_in') > 1) throw new HttpRejection(400, 'invalid envelope: more than one check_in item');
    if (count('event') > 1) throw new HttpRejection(400, 'invalid envelope: more than one event item');
    if (count('attachment') > MAX_ATTACHMENTS) throw new HttpRejection(413, `more than ${MAX_ATTACHMENTS} attachments`);
    const needsEventId = count('event') + count('attachment') > 0;
    const eventId = headers.event_id;
    if (eventId !== undefined && (typeof eventId !== 'string' || !UUID.test(eventId))) throw new HttpRejection(400, 'invalid envelope: event_id is not a UUID');
    if (needsEventId && eventId === undefined) throw new HttpRejection(400, 'invalid envelope: an event or attachment needs event_id in the envelope header');
    for (const item of items) {
      if (typeof item.headers.type !== 'string') throw new HttpRejection(400, 'invalid envelope: an item has no type');
      if (item.headers.type === 'check_in' && item.payload.length > MAX_CHECK_IN_BYTES)
        throw new HttpRejection(413, `check_in item larger than ${MAX_CHECK_IN_BYTES} bytes`);
      if (item.headers.type === 'event' && item.payload.length > MAX_EVENT_BYTES)
        throw new HttpRejection(413, `event item larger than ${MAX_EVENT_BYTES} bytes`);
      if (item.headers.type === 'attachment') {
        const { filename } = item.headers;
        if (typeof filename !== 'string' || filename === '') throw new HttpRejection(400, 'invalid envelope: an attachment has no filename');
      }
    }
  }

  function cron(request: IngestRequest, projectId: string, slug: string, pathKey: string | undefined, now: Date): IngestAnswer {
    authenticate(request, projectId, [pathKey]);
    const type = header(request, 'content-type') ?? '';
    let payload: unknown;
    if (request.method === 'POST' && type.startsWith('application/json')) {
      payload = parseJson(request.body);
      if (!isObject(payload)) throw new HttpRejection(400, 'the body is not a JSON object');
      payload = { ...payload, monitor_slug: slug };
    } else {
      const query = request.url.searchParams;
      const status = query.get('status');
      if (status === null) throw new HttpRejection(400, 'missing status: add ?status=in_progress|ok|error');
      const duration = query.get('duration');
      if (duration !== null && !Number.isFinite(Number(duration))) throw new HttpRejection(400, `invalid duration ${duration}`);
      payload = {
        monitor_slug: slug,
        status,
        ...(query.get('check_in_id') === null ? {} : { check_in_id: query.get('check_in_id') }),
        ...(query.get('environment') === null ? {} : { environment: query.get('environment') }),
        ...(duration === null ? {} : { duration: Number(duration) }),
      };
    }
    const records = checkIn(payload, projectId, 'cron', now);
    const relayRejection = records.find((record) => record.type === 'rejected' && record.layer === 'relay');
    if (relayRejection?.type === 'rejected') throw new HttpRejection(400, relayRejection.reason, 'relay');
    // Relay answers 202 here even when the check-in is rate limited or dropped later.
    return { status: 202, headers: {}, body: '', records };
  }

  function checkIn(payload: unknown, projectId: string, via: 'envelope' | 'cron', now: Date): ReceiverRecord[] {
    const rejected = (layer: 'relay' | 'sentry', reason: string, slug?: string): ReceiverRecord[] => [
      { type: 'rejected', time: now, layer, status: via === 'cron' ? 202 : 200, reason, ...(slug === undefined ? {} : { slug }) },
    ];
    if (payload === undefined) return rejected('relay', 'the check-in is not valid JSON');
    const verdict = judgeCheckIn(payload);
    if (!verdict.ok) {
      const slug = isObject(payload) && typeof payload.monitor_slug === 'string' ? payload.monitor_slug : undefined;
      return rejected(verdict.layer, verdict.reason, slug);
    }
    const { checkIn: received, configError } = verdict;
    const { slug, environment, checkInId, status } = received;
    const notes: string[] = [];
    const unnoted = received.ignoredKeys.filter((key) => options.everyIgnoredKey === true || !notedKeys.has(key));
    if (unnoted.length > 0) notes.push(`Sentry ignores ${unnoted.join(', ')}`);
    if (slug !== received.sentSlug) notes.push(`stored as ${slug}`);

    const bucket = `${projectId}:${slug}:${environment}:${Math.floor(now.getTime() / 60_000)}`;
    const seen = (perMinute.get(bucket) ?? 0) + 1;
    perMinute.set(bucket, seen);
    if (seen > SENTRY_CHECK_INS_PER_MINUTE) {
      return rejected(
        'sentry',
        `more than ${SENTRY_CHECK_INS_PER_MINUTE} check-ins this minute for ${slug} (${environment}): dropped (MONITOR_ENVIRONMENT_RATELIMITED)`,
        slug,
      );
    }
    const monitor = `${projectId}:${slug}`;
    if (received.monitorConfig !== undefined) {
      if (configError === undefined) monitors.set(monitor, true);
      else if (monitors.has(monitor)) notes.push(`monitor_config ignored: ${configError}`);
      else return rejected('sentry', `new monitor ${slug} not created: ${configError} (MONITOR_INVALID_CONFIG)`, slug);
    } else if (!monitors.has(monitor)) {
      notes.push(`Sentry drops this unless monitor ${slug} already exists (send a schedule or run cronmon upsert)`);
    }
    const run = `${projectId}:${checkInId}`;
    const previous = openRuns.get(run);
    if (previous && checkInId !== '0'.repeat(32)) {
      if (previous.slug !== slug || previous.environment !== environment) {
        return rejected('sentry', `check-in ${checkInId} belongs to ${previous.slug} (${previous.environment})`, slug);
      }
      if (previous.status !== 'in_progress') {
        return rejected('sentry', `check-in ${checkInId} was already closed as ${previous.status}; Sentry ignores this ${status}`, slug);
      }
    }
    openRuns.set(run, { slug, environment, status });
    for (const key of unnoted) notedKeys.set(key, true);
    return [{ type: 'check_in', time: now, projectId, via, notes, ...received }];
  }

  return { handle };
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export type Ingest = ReturnType<typeof createIngest>;
