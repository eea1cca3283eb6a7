import { describeSchedule } from '../monitor/monitor-plan.js';
import { PLAIN, type Paint } from '../util/colour.js';
import { printable } from '../util/safe-text.js';
import type { ReceiverRecord } from './ingest.js';

// How `cronmon listen` shows what it received: one line per record, or one JSON object. Every
// value a sender chose is escaped before it is painted: a slug or a file name must not be able
// to forge a line of its own or drive the terminal.

const clock = (time: Date) => time.toTimeString().slice(0, 8);

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kib = bytes / 1024;
  return kib < 1024 ? `${kib.toFixed(1)} KiB` : `${(kib / 1024).toFixed(1)} MiB`;
}

export function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(seconds < 10 ? 2 : 1)}s` : `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}

interface EventSummary {
  slug: string | undefined;
  environment: string | undefined;
  level: string;
  message: string | undefined;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

// As Sentry titles an error event: the last exception (the one raised last, whose causes come
// before it), `Type: value`.
function exceptionText(event: Record<string, unknown>): string | undefined {
  const exception = event.exception as { values?: unknown } | undefined;
  const values = Array.isArray(exception?.values) ? (exception.values as unknown[]) : [];
  const last = values.at(-1) as { type?: unknown; value?: unknown } | undefined;
  const parts = [text(last?.type), text(last?.value)].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(': ') : undefined;
}

function summariseEvent(event: Record<string, unknown>): EventSummary {
  const contexts = event.contexts as { monitor?: { slug?: unknown } } | undefined;
  const logentry = event.logentry as { formatted?: unknown; message?: unknown } | undefined;
  return {
    slug: text(contexts?.monitor?.slug),
    environment: text(event.environment),
    // Relay gives an event without a level `error`.
    level: text(event.level) ?? 'error',
    message: text(logentry?.formatted) ?? text(logentry?.message) ?? text(event.message) ?? exceptionText(event),
  };
}

function scheduleText(config: Record<string, unknown>): string {
  const schedule = config.schedule as { type?: string; value?: unknown; unit?: unknown } | undefined;
  const when =
    schedule?.type === 'interval'
      ? describeSchedule({ schedule_type: 'interval', schedule: [schedule.value as number, String(schedule.unit)] })
      : String(schedule?.value);
  return typeof config.timezone === 'string' ? `${when} ${config.timezone}` : when;
}

export function formatRecord(record: ReceiverRecord, paint: Paint = PLAIN): string {
  const time = paint.dim(clock(record.time));
  switch (record.type) {
    case 'check_in': {
      const status = record.status === 'ok' ? paint.good('ok') : record.status === 'error' ? paint.bad('error') : paint.busy('in_progress');
      const parts = [time, 'check-in', printable(record.slug), printable(record.environment), status];
      if (record.duration !== undefined) parts.push(formatSeconds(record.duration));
      parts.push(paint.dim(`id ${record.checkInId}`));
      if (record.monitorConfig) parts.push(printable(`schedule ${scheduleText(record.monitorConfig)}`));
      if (record.notes.length > 0) parts.push(paint.dim(printable(`(${record.notes.join('; ')})`)));
      return parts.join('  ');
    }
    case 'event': {
      const { slug, environment, level, message } = summariseEvent(record.event);
      const parts = [time, 'event   ', printable(slug ?? '-'), printable(environment ?? '-'), level === 'error' ? paint.bad('error') : printable(level)];
      if (message !== undefined) parts.push(printable(JSON.stringify(message)));
      for (const attachment of record.attachments) parts.push(`attachment ${printable(attachment.filename)} ${formatSize(attachment.size)}`);
      return parts.join('  ');
    }
    case 'rejected':
      return [time, paint.bad('rejected'), `${record.status}`, printable(`${record.layer}: ${record.reason}`)].join('  ');
  }
}

export function recordJson(record: ReceiverRecord): Record<string, unknown> {
  const time = record.time.toISOString();
  switch (record.type) {
    case 'check_in': {
      const { slug, sentSlug, environment, status, duration, checkInId, monitorConfig, traceId, via, notes } = record;
      return { type: 'check_in', time, slug, sentSlug, environment, status, duration, checkInId, monitorConfig, traceId, via, notes };
    }
    case 'event': {
      const attachments = record.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size }));
      return { type: 'event', time, eventId: record.eventId, ...summariseEvent(record.event), attachments };
    }
    case 'rejected':
      return { type: 'rejected', time, layer: record.layer, status: record.status, reason: record.reason, slug: record.slug };
  }
}
