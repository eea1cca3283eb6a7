import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeUrl, maskDsn, maskEnvelopeUrl, parseDsn, redact } from '../../src/sentry/dsn.js';
import { vectors } from '../support/vectors.js';

const FIELD_NAMES: Record<string, string> = {
  protocol: 'protocol',
  public_key: 'publicKey',
  secret: 'pass',
  host: 'host',
  port: 'port',
  path: 'path',
  project_id: 'projectId',
};

describe('parseDsn against the protocol vectors', () => {
  for (const vector of vectors.dsns) {
    it(`${vector.valid ? 'accepts' : 'rejects'} ${JSON.stringify(vector.input)} (${vector.why})`, () => {
      const result = parseDsn(vector.input);
      expect(result.ok).toBe(vector.valid);
      if (!result.ok || !vector.expected) return;
      for (const [key, value] of Object.entries(vector.expected)) {
        if (key === 'envelope_url') expect(envelopeUrl(result.dsn)).toBe(value);
        else if (key !== 'org_id_from_host') expect(result.dsn[FIELD_NAMES[key] as keyof typeof result.dsn]).toBe(value);
      }
    });
  }
});

describe('DSN secrets', () => {
  it('never puts the key in a rejection reason', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{8,32}$/), fc.string({ maxLength: 20 }), (key, tail) => {
        const result = parseDsn(`https://${key}@sentry.example.com/${tail}`);
        if (!result.ok) expect(result.reason).not.toContain(key);
      }),
    );
  });

  it('masks the key and secret for display', () => {
    expect(maskDsn('https://abc123@sentry.example.com/42')).toBe('https://***@sentry.example.com/42');
    expect(maskDsn(' https://abc123:s3cret@sentry.example.com/42\n')).toBe('https://***@sentry.example.com/42');
    expect(maskDsn('e12d836b15bb49d7bbf99e64295d995b')).toBe('***');
  });

  it('redacts every occurrence of a secret', () => {
    expect(redact('key=abcd1234&k2=abcd1234', ['abcd1234'])).toBe('key=***&k2=***');
  });

  it('does not print anything while rejecting a malformed DSN', () => {
    const writes: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => writes.push(args.join(' '));
    try {
      for (const input of ['https://ab-cd@x.example/1', 'nonsense', 'https://k@h/abc']) parseDsn(input);
    } finally {
      console.error = original;
    }
    expect(writes).toEqual([]);
  });
});

describe('maskEnvelopeUrl', () => {
  it('masks the key parameter of any envelope URL, however short the key', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\w{1,40}$/), (key) => {
        const parsed = parseDsn(`https://${key}@o1.ingest.sentry.io/42`);
        if (!parsed.ok) return;
        const shown = maskEnvelopeUrl(envelopeUrl(parsed.dsn));
        expect(shown).toContain('sentry_key=***');
        expect(shown).not.toContain(`sentry_key=${key}`);
      }),
    );
  });
});
