import { describe, expect, it } from 'vitest';
import { createIngest, MAX_TRACKED, type IngestRequest } from '../../src/receiver/ingest.js';
import { vectors } from '../support/vectors.js';

const KEY = 'e12d836b15bb49d7bbf99e64295d995b';
const auth = `?sentry_version=7&sentry_key=${KEY}&sentry_client=cronmon%2F0.1.0`;
const request = (path: string, body = '', headers: Record<string, string> = {}, method = 'POST'): IngestRequest => ({
  method,
  url: new URL(path, 'http://127.0.0.1'),
  headers: { 'content-type': 'application/x-sentry-envelope', ...headers },
  body: Buffer.from(body),
});
const checkInEnvelope = (payload: object) => {
  const json = JSON.stringify(payload);
  return `{}\n{"type":"check_in","length":${Buffer.byteLength(json)}}\n${json}\n`;
};
const open = {
  check_in_id: 'a460c25ff2554577b920fcfacae4e5eb',
  monitor_slug: 'backup',
  status: 'in_progress',
  monitor_config: { schedule: { type: 'crontab', value: '@daily' } },
};

describe('the envelope endpoint', () => {
  it('accepts every vector envelope at its URL with 200', () => {
    for (const vector of vectors.envelopes as { url: string; body: string; headers: Record<string, string> }[]) {
      // Each vector is its own scenario (they share one check-in id).
      const ingest = createIngest({ key: KEY, projectId: '4505229541441536' });
      const url = new URL(vector.url);
      const answer = ingest.handle(
        request(url.pathname + url.search, vector.body, Object.fromEntries(Object.entries(vector.headers).map(([k, v]) => [k.toLowerCase(), v]))),
      );
      expect(answer.status, answer.body).toBe(200);
      expect(answer.records.filter((record) => record.type === 'rejected')).toEqual([]);
    }
  });

  it('authenticates by X-Sentry-Auth, query string or envelope dsn, and refuses disagreement or absence', () => {
    const ingest = createIngest({ key: KEY });
    const body = checkInEnvelope(open);
    expect(ingest.handle(request('/api/1/envelope/', body, { 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${KEY}` })).status).toBe(200);
    expect(ingest.handle(request('/api/1/envelope/', `{"dsn":"http://${KEY}@h/1"}\n`)).status).toBe(200);
    expect(ingest.handle(request('/api/1/envelope/', body)).status).toBe(403);
    expect(ingest.handle(request(`/api/1/envelope/?sentry_key=${'0'.repeat(32)}`, body, { 'x-sentry-auth': `Sentry sentry_key=${KEY}` })).status).toBe(403);
    expect(ingest.handle(request(`/api/1/envelope/?sentry_key=${'1'.repeat(32)}`, body)).status).toBe(401);
  });

  it('refuses a malformed envelope, an unknown content type, a GET and oversize items', () => {
    const ingest = createIngest();
    expect(ingest.handle(request(`/api/1/envelope/${auth}`, '{}\n{"type":"event","length":99}\n{}')).status).toBe(400);
    expect(ingest.handle(request(`/api/1/envelope/${auth}`, '{}\n', { 'content-type': 'application/json' })).status).toBe(415);
    expect(ingest.handle(request(`/api/1/envelope/${auth}`, '', {}, 'GET')).status).toBe(405);
    const big = checkInEnvelope({ ...open, pad: 'x'.repeat(100 * 1024) });
    expect(ingest.handle(request(`/api/1/envelope/${auth}`, big)).status).toBe(413);
    expect(ingest.handle(request(`/api/1/envelope/${auth}`, '{}\n{"type":"attachment","length":1,"filename":"a"}\na\n')).status).toBe(400);
    expect(
      ingest.handle(request(`/api/1/envelope/${auth}`, '{"event_id":"a460c25ff2554577b920fcfacae4e5eb"}\n{"type":"attachment","length":1}\na\n')).status,
    ).toBe(400);
    expect(ingest.handle(request(`/api/1/nope/${auth}`)).status).toBe(404);
  });

  it('answers 200 but records a check-in relay cannot parse', () => {
    const ingest = createIngest();
    const answer = ingest.handle(request(`/api/1/envelope/${auth}`, checkInEnvelope({ ...open, monitor_config: { schedule: '0 * * * *' } })));
    expect(answer.status).toBe(200);
    expect(answer.records).toMatchObject([{ type: 'rejected', layer: 'relay' }]);
  });

  it('records an event with its attachments', () => {
    const ingest = createIngest();
    const event = JSON.stringify({ event_id: 'b'.repeat(32), contexts: { monitor: { slug: 'backup' } } });
    const body = `{"event_id":"${'b'.repeat(32)}"}\n{"type":"event","length":${event.length}}\n${event}\n{"type":"attachment","length":3,"filename":"output-tail.log","content_type":"text/plain"}\na\nb\n`;
    const answer = ingest.handle(request(`/api/1/envelope/${auth}`, body));
    expect(answer.status).toBe(200);
    expect(answer.records).toMatchObject([
      { type: 'event', eventId: 'b'.repeat(32), attachments: [{ filename: 'output-tail.log', size: 3, contentType: 'text/plain' }] },
    ]);
  });

  it('answers with the event id as relay does: 32 lowercase hex digits, however it was sent', () => {
    const ingest = createIngest();
    for (const sent of ['A460C25F-F255-4577-B920-FCFACAE4E5EB', 'a460c25f-f255-4577-b920-fcfacae4e5eb', 'A460C25FF2554577B920FCFACAE4E5EB']) {
      const event = JSON.stringify({ event_id: sent, message: 'boom' });
      const answer = ingest.handle(request(`/api/1/envelope/${auth}`, `{"event_id":"${sent}"}\n{"type":"event","length":${event.length}}\n${event}\n`));
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ id: 'a460c25ff2554577b920fcfacae4e5eb' });
      expect(answer.records).toMatchObject([{ type: 'event', eventId: 'a460c25ff2554577b920fcfacae4e5eb' }]);
    }
  });
});

describe('Sentry processing rules', () => {
  it('drops the seventh check-in of a minute for one monitor environment', () => {
    const ingest = createIngest();
    const now = new Date('2026-01-01T03:00:10Z');
    const statuses = Array.from(
      { length: 7 },
      () => ingest.handle(request(`/api/1/envelope/${auth}`, checkInEnvelope({ monitor_slug: 'fast', status: 'ok' })), now).records[0]?.type,
    );
    expect(statuses).toEqual([...Array<string>(6).fill('check_in'), 'rejected']);
    const nextMinute = ingest.handle(
      request(`/api/1/envelope/${auth}`, checkInEnvelope({ monitor_slug: 'fast', status: 'ok' })),
      new Date('2026-01-01T03:01:00Z'),
    );
    expect(nextMinute.records[0]?.type).toBe('check_in');
  });

  it('ignores an update to a closed check-in and refuses an id of another monitor', () => {
    const ingest = createIngest();
    const send = (payload: object) => ingest.handle(request(`/api/1/envelope/${auth}`, checkInEnvelope(payload))).records[0];
    expect(send(open)?.type).toBe('check_in');
    expect(send({ ...open, status: 'ok', monitor_config: undefined })?.type).toBe('check_in');
    expect(send({ ...open, status: 'error' })).toMatchObject({ type: 'rejected', reason: expect.stringContaining('already closed') });
    expect(send({ ...open, monitor_slug: 'other' })).toMatchObject({ type: 'rejected', reason: expect.stringContaining('belongs to backup') });
  });

  it('refuses to create a monitor from an invalid config, but keeps an existing one', () => {
    const ingest = createIngest();
    const send = (payload: object) => ingest.handle(request(`/api/1/envelope/${auth}`, checkInEnvelope(payload))).records[0];
    const bad = { monitor_slug: 'tz', status: 'ok', monitor_config: { schedule: { type: 'crontab', value: '@daily' }, timezone: 'Mars/Olympus' } };
    expect(send(bad)).toMatchObject({ type: 'rejected', reason: expect.stringContaining('MONITOR_INVALID_CONFIG') });
    expect(send({ ...bad, monitor_config: { schedule: { type: 'crontab', value: '@daily' } } })?.type).toBe('check_in');
    expect(send(bad)).toMatchObject({ type: 'check_in', notes: [expect.stringContaining('monitor_config ignored')] });
  });
});

describe('notes on what Sentry ignores', () => {
  const sdkCheckIn = (id: string, extra: object = {}) => ({ check_in_id: id, monitor_slug: 'sdk-job', status: 'ok', release: 'app@1.0', ...extra });
  const notesOf = (ingest: ReturnType<typeof createIngest>, payload: object) => {
    const record = ingest.handle(request(`/api/1/envelope/${auth}`, checkInEnvelope(payload))).records[0];
    return record?.type === 'check_in' ? record.notes.filter((note) => note.startsWith('Sentry ignores')) : record;
  };

  it('names each ignored field the first time it comes, not on every check-in (an SDK sends release on each)', () => {
    const ingest = createIngest();
    expect(notesOf(ingest, sdkCheckIn('1'.repeat(32)))).toEqual(['Sentry ignores release']);
    expect(notesOf(ingest, sdkCheckIn('2'.repeat(32)))).toEqual([]);
    expect(notesOf(ingest, sdkCheckIn('3'.repeat(32), { dist: 'x' }))).toEqual(['Sentry ignores dist']);
    // Another receiver (another run of cronmon listen) notes them again.
    expect(notesOf(createIngest(), sdkCheckIn('4'.repeat(32)))).toEqual(['Sentry ignores release']);
  });

  it('names them on every check-in when asked to', () => {
    const ingest = createIngest({ everyIgnoredKey: true });
    expect(notesOf(ingest, sdkCheckIn('1'.repeat(32)))).toEqual(['Sentry ignores release']);
    expect(notesOf(ingest, sdkCheckIn('2'.repeat(32)))).toEqual(['Sentry ignores release']);
  });

  it('does not count a field as noted on a check-in that was dropped', () => {
    const ingest = createIngest();
    const send = (payload: object) => ingest.handle(request(`/api/1/envelope/${auth}`, checkInEnvelope(payload))).records[0];
    expect(send(sdkCheckIn('1'.repeat(32), { monitor_config: { schedule: { type: 'crontab', value: '@daily' }, timezone: 'Mars/Olympus' } }))).toMatchObject({
      type: 'rejected',
    });
    expect(notesOf(ingest, sdkCheckIn('2'.repeat(32)))).toEqual(['Sentry ignores release']);
  });
});

describe('what the receiver remembers', () => {
  it(`is bounded: beyond ${MAX_TRACKED} runs, monitors and minute buckets the least recently used are forgotten`, () => {
    const ingest = createIngest();
    const now = new Date('2026-01-01T03:00:10Z');
    const send = (payload: object) => ingest.handle(request(`/api/1/envelope/${auth}`, checkInEnvelope(payload)), now).records[0];
    const closed = { ...open, status: 'ok', monitor_config: undefined };
    send(open);
    send(closed);
    expect(send(closed)).toMatchObject({ type: 'rejected', reason: expect.stringContaining('already closed') });
    // One check-in each for many more monitors: a new run id, monitor and minute bucket each.
    for (let i = 0; i <= MAX_TRACKED; i++) {
      send({
        check_in_id: i.toString(16).padStart(32, '0'),
        monitor_slug: `m${i}`,
        status: 'ok',
        monitor_config: { schedule: { type: 'interval', value: 1, unit: 'hour' } },
      });
    }
    // The first run and its monitor are forgotten, as if the receiver had restarted.
    expect(send(closed)).toMatchObject({ type: 'check_in', notes: [expect.stringContaining('unless monitor backup already exists')] });
  });
});

describe('the HTTP cron endpoint', () => {
  it('takes a check-in from the query string with the key in the path, and answers 202', () => {
    const ingest = createIngest({ key: KEY });
    const answer = ingest.handle(request(`/api/1/cron/nightly-backup/${KEY}/?status=ok&duration=1.5&environment=qa`, '', {}, 'GET'));
    expect(answer.status).toBe(202);
    expect(answer.records).toMatchObject([{ type: 'check_in', slug: 'nightly-backup', status: 'ok', duration: 1.5, environment: 'qa', via: 'cron' }]);
  });

  it('takes a JSON check-in whose slug the path overrides', () => {
    const ingest = createIngest();
    const answer = ingest.handle(
      request(`/api/1/cron/from-path/${auth}`, JSON.stringify({ ...open, monitor_slug: 'ignored' }), { 'content-type': 'application/json' }),
    );
    expect(answer.status).toBe(202);
    expect(answer.records).toMatchObject([{ type: 'check_in', slug: 'from-path', monitorConfig: open.monitor_config }]);
  });

  it('refuses a missing status and a bad duration', () => {
    const ingest = createIngest();
    expect(ingest.handle(request(`/api/1/cron/x/${auth}`, '', {}, 'GET')).status).toBe(400);
    expect(ingest.handle(request(`/api/1/cron/x/${auth}&status=ok&duration=soon`, '', {}, 'GET')).status).toBe(400);
  });
});
