import { describe, expect, it } from 'vitest';
import { MalformedEnvelope, parseEnvelope } from '../../src/receiver/envelope.js';
import { vectors } from '../support/vectors.js';

const parse = (text: string) => parseEnvelope(Buffer.from(text));

describe('parseEnvelope', () => {
  it.each((vectors.envelopes as { name: string; body: string }[]).map((v) => [v.name, v.body] as const))('reads vector %s', (_, body) => {
    const envelope = parse(body);
    expect(envelope.items.length).toBeGreaterThan(0);
    for (const item of envelope.items) {
      if (typeof item.headers.length === 'number') expect(item.payload.length).toBe(item.headers.length);
    }
  });

  it('reads items with and without length, and an optional final LF', () => {
    const envelope = parse('{}\n{"type":"check_in"}\n{"a":1}\n{"type":"attachment","length":3,"filename":"x"}\na\nb');
    expect(envelope.items.map((item) => item.payload.toString())).toEqual(['{"a":1}', 'a\nb']);
  });

  it('counts length in bytes, not characters', () => {
    const envelope = parse('{}\n{"type":"attachment","length":2,"filename":"x"}\né\n');
    expect(envelope.items[0]?.payload.toString()).toBe('é');
  });

  it.each([
    ['an empty body', ''],
    ['a CR before LF in a header', '{}\r\n{"type":"check_in"}\n{}'],
    ['a payload longer than its length', '{}\n{"type":"event","length":2}\n{}x\n'],
    ['a payload shorter than its length', '{}\n{"type":"event","length":20}\n{}\n'],
    ['a negative length', '{}\n{"type":"event","length":-1}\n{}\n'],
    ['a header that is not an object', '[]\n'],
    ['a blank line after the last item', '{}\n{"type":"check_in"}\n{}\n\n'],
    ['sent_at written twice', '{"sent_at":"2026-01-01T00:00:00Z","sent_at":"2026-01-01T00:00:01Z"}\n'],
  ])('rejects %s', (_, body) => {
    expect(() => parse(body)).toThrow(MalformedEnvelope);
  });
});
