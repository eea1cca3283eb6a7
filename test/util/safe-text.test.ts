import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskUrlCredentials, printable, printableJson } from '../../src/util/safe-text.js';

// Every character a terminal acts on instead of showing, or that hides or reorders text.
const isUnsafe = (char: string) => {
  const code = char.codePointAt(0) ?? 0;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    [0xad, 0x61c, 0x180e, 0xfeff].includes(code) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069)
  );
};
const anyText = fc.string({
  unit: fc.oneof(fc.constantFrom('\n', '\r', '\x1b', '\x07', '\x7f', '\x9b', '\u202e', '\u2028', '\ufeff'), fc.string({ unit: 'binary', maxLength: 1 })),
});

describe('printable', () => {
  it('leaves nothing a terminal would act on, and keeps ordinary text as it is', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = printable(text);
        expect([...shown].filter(isUnsafe)).toEqual([]);
        if (![...text].some(isUnsafe)) expect(shown).toBe(text);
      }),
    );
  });

  it('writes control characters as escapes a reader recognises', () => {
    expect(printable('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(printable('\x1b]0;owned\x07')).toBe('\\x1b]0;owned\\x07');
    expect(printable('\x9b31m \u202Eevil')).toBe('\\x9b31m \\u202eevil');
    expect(printable('Nightly backup → ok …')).toBe('Nightly backup → ok …');
  });
});

describe('printableJson', () => {
  it('is the same JSON value, and safe on a terminal', () => {
    fc.assert(
      fc.property(fc.jsonValue(), anyText, (value, text) => {
        const document = { value, text };
        const shown = printableJson(document, 2);
        expect(JSON.parse(shown)).toEqual(JSON.parse(JSON.stringify(document)));
        expect([...shown].filter((char) => isUnsafe(char) && char !== '\n')).toEqual([]);
      }),
    );
  });
});

describe('maskUrlCredentials', () => {
  it('hides the user and password of every URL in a text', () => {
    expect(maskUrlCredentials('GET https://user:TOKEN@sentry.example.com/api/0/ → 200')).toBe('GET https://***@sentry.example.com/api/0/ → 200');
    expect(maskUrlCredentials('a http://p@ss:w@rd@h:9/x and HTTPS://tok@h2')).toBe('a http://***@h:9/x and HTTPS://***@h2');
    expect(maskUrlCredentials('https://sentry.example.com/a@b')).toBe('https://sentry.example.com/a@b');
  });

  it('never leaves a password of a URL the WHATWG parser reads', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.stringMatching(/^[A-Za-z0-9_@:-]{4,20}$/), (url, password) => {
        const parsed = new URL(url);
        parsed.username = 'user';
        parsed.password = password;
        const masked = maskUrlCredentials(`request ${parsed.href} failed`);
        // The password's characters may well appear in the host or path too: compare it whole.
        expect(masked).toBe(`request ${parsed.href.replace(`user:${parsed.password}@`, '***@')} failed`);
      }),
    );
  });
});
