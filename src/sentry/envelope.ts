import { createEnvelope, serializeEnvelope, type Envelope } from '@sentry/core';
import { CLIENT_NAME, VERSION } from '../util/version.js';
import type { CheckIn } from './check-in.js';
import type { FailureEvent } from './failure-event.js';

export interface Attachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

const SDK = { name: CLIENT_NAME, version: VERSION };
const encoder = new TextEncoder();

// Every item carries an explicit byte length (the spec recommends it; log tails contain LFs),
// and the body ends with LF.
function toBytes(envelope: Envelope): Buffer {
  const serialized = serializeEnvelope(envelope);
  const bytes = typeof serialized === 'string' ? encoder.encode(serialized) : serialized;
  return Buffer.concat([bytes, Buffer.from('\n')]);
}

const jsonItem = (type: string, payload: unknown, extra: Record<string, string> = {}) => {
  const json = JSON.stringify(payload);
  return [{ type, length: Buffer.byteLength(json), ...extra }, json] as const;
};

export function checkInEnvelope(checkIn: CheckIn, sentAt: Date): Buffer {
  const envelope = createEnvelope({ sent_at: sentAt.toISOString(), sdk: SDK }, [jsonItem('check_in', checkIn)] as never);
  return toBytes(envelope);
}

export function eventEnvelope(event: FailureEvent, attachments: readonly Attachment[], sentAt: Date): Buffer {
  const items = [
    jsonItem('event', event, { content_type: 'application/json' }),
    ...attachments.map((attachment) => [
      {
        type: 'attachment',
        length: attachment.data.byteLength,
        filename: attachment.filename,
        content_type: attachment.contentType,
        attachment_type: 'event.attachment',
      },
      attachment.data,
    ]),
  ];
  const header = { event_id: event.event_id, sent_at: sentAt.toISOString(), sdk: SDK };
  return toBytes(createEnvelope(header, items as never));
}

/**
 * An envelope that reaches Sentry and creates nothing: one client report that lists no
 * discarded events (what SDKs send about data they dropped). Unlike an envelope with no items,
 * which relay answers 200 before it looks at the key, it goes through relay's project check, so
 * a key Sentry knows to be wrong or disabled is refused (403).
 */
export function probeEnvelope(sentAt: Date): Buffer {
  const report = { timestamp: Math.floor(sentAt.getTime() / 1000), discarded_events: [] };
  return toBytes(createEnvelope({ sent_at: sentAt.toISOString(), sdk: SDK }, [jsonItem('client_report', report)] as never));
}
