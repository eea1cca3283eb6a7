// Parses an envelope body the way relay does, refusing what relay refuses (protocol §3).

export interface EnvelopeItem {
  headers: Record<string, unknown>;
  payload: Buffer;
}

export interface ParsedEnvelope {
  headers: Record<string, unknown>;
  items: EnvelopeItem[];
}

export class MalformedEnvelope extends Error {
  override name = 'MalformedEnvelope';
}

const LF = 0x0a;

function headerLine(body: Buffer, start: number, what: string): { json: Record<string, unknown>; next: number } {
  const end = body.indexOf(LF, start);
  const line = body.subarray(start, end === -1 ? body.length : end).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new MalformedEnvelope(`${what} is not one line of JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new MalformedEnvelope(`${what} must be a JSON object`);
  if (line !== line.trim()) throw new MalformedEnvelope(`${what} has surrounding whitespace (a CR before LF?)`);
  return { json: json as Record<string, unknown>, next: end === -1 ? body.length : end + 1 };
}

export function parseEnvelope(body: Buffer): ParsedEnvelope {
  if (body.length === 0) throw new MalformedEnvelope('the envelope is empty');
  const envelope = headerLine(body, 0, 'the envelope header');
  // JSON.parse keeps the last of duplicated keys; relay rejects a twice-written sent_at.
  const firstLine = body.subarray(0, envelope.next).toString('utf8');
  if ((firstLine.match(/"sent_at"\s*:/g) ?? []).length > 1) throw new MalformedEnvelope('sent_at is written twice in the envelope header');
  const items: EnvelopeItem[] = [];
  let offset = envelope.next;
  while (offset < body.length) {
    const item = headerLine(body, offset, `the header of item ${items.length + 1}`);
    const { length } = item.json;
    let payload: Buffer;
    if (length === undefined) {
      const end = body.indexOf(LF, item.next);
      payload = body.subarray(item.next, end === -1 ? body.length : end);
      offset = end === -1 ? body.length : end + 1;
    } else {
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
        throw new MalformedEnvelope(`item ${items.length + 1} has an invalid length`);
      }
      const end = item.next + length;
      if (end > body.length) throw new MalformedEnvelope(`item ${items.length + 1} is shorter than its length (${length} bytes)`);
      payload = body.subarray(item.next, end);
      if (end < body.length && body[end] !== LF) {
        throw new MalformedEnvelope(`item ${items.length + 1} is longer than its length (${length} bytes)`);
      }
      offset = end + 1;
    }
    items.push({ headers: item.json, payload });
  }
  return { headers: envelope.json, items };
}
