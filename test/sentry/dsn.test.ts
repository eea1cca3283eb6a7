import { dsnToString, makeDsn } from '@sentry/core';
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

// Runs `body` with every way of printing replaced by a recorder; returns what was printed.
function printedDuring(body: () => void): string[] {
  const printed: string[] = [];
  const record = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  const consoleMethods = ['error', 'warn', 'log', 'info', 'debug', 'trace'] as const;
  const saved = consoleMethods.map((name) => console[name]);
  const savedWrites = [process.stdout.write, process.stderr.write];
  for (const name of consoleMethods) console[name] = record;
  process.stdout.write = process.stderr.write = ((chunk: unknown) => (record(chunk), true)) as typeof process.stdout.write;
  try {
    body();
  } finally {
    consoleMethods.forEach((name, index) => (console[name] = saved[index] as typeof console.error));
    [process.stdout.write, process.stderr.write] = savedWrites as [typeof process.stdout.write, typeof process.stderr.write];
  }
  return printed;
}

// DSN-shaped text built from pieces that are each sometimes wrong: extra colons in the user
// part, odd hosts, ports and paths, surrounding whitespace.
const KEY = fc.stringMatching(/^[A-Za-z0-9_]{8,32}$/);
const dsnLike = fc.record({
  space: fc.constantFrom('', ' ', '\n', '\t'),
  protocol: fc.constantFrom('https', 'http', 'ftp', 'HTTPS', ''),
  key: KEY,
  secret: fc.constantFrom('', ':', '::', ':s3cret', ':a:b', ':x-y', '@'),
  host: fc.constantFrom('sentry.example.com', 'o1.ingest.sentry.io', '127.0.0.1', '[::1]', '[zz]', '[1::2::3]', 'a..b', '-', 'h_st', 'h st', 'h\u00e9'),
  port: fc.constantFrom('', ':9000', ':0', ':99999', ':http', ':'),
  path: fc.array(fc.oneof(fc.constantFrom('sentry', '..', '.', '', 'a#b', 'a?b', 'a%2F'), fc.string({ maxLength: 4 })), { maxLength: 3 }),
  project: fc.oneof(fc.constantFrom('42', '0', '123abc', '', '42/'), fc.string({ maxLength: 6 })),
});
const composed = ({
  space,
  protocol,
  key,
  secret,
  host,
  port,
  path,
  project,
}: {
  space: string;
  protocol: string;
  key: string;
  secret: string;
  host: string;
  port: string;
  path: string[];
  project: string;
}) => `${space}${protocol}://${key}${secret}@${host}${port}/${[...path, project].join('/')}${space}`;

describe('parseDsn on anything', () => {
  const check = (text: string, key?: string) => {
    let result: ReturnType<typeof parseDsn> | undefined;
    expect(printedDuring(() => (result = parseDsn(text)))).toEqual([]);
    if (!result) throw new Error('parseDsn returned nothing');
    if (!result.ok) {
      if (key !== undefined) expect(result.reason).not.toContain(key);
      return;
    }
    // What it accepts, @sentry/core reads the same way, and it survives a round trip.
    const { dsn } = result;
    expect(parseDsn(dsnToString(dsn, true))).toEqual({ ok: true, dsn });
    expect(printedDuring(() => expect(makeDsn(text.trim())).toEqual(dsn))).toEqual([]);
  };

  it('never prints, never names the key, and accepts only DSNs that round-trip', () => {
    fc.assert(
      fc.property(dsnLike, (parts) => check(composed(parts), parts.key)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => check(text)),
      { numRuns: 500 },
    );
  });

  it('rejects a user part with more than one colon without printing it (what @sentry/core would log)', () => {
    for (const text of ['https://abc123def::@sentry.example.com/42', 'https://abc123def:a:b@sentry.example.com/42']) {
      const printed = printedDuring(() => expect(parseDsn(text)).toMatchObject({ ok: false, reason: expect.stringMatching(/key/) }));
      expect(printed).toEqual([]);
    }
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
