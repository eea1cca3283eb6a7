import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronmonError } from '../../src/util/errors.js';
import { isValidApiSlug, normaliseSlug, requireSlug } from '../../src/monitor/slug.js';
import { vectors } from '../support/vectors.js';
import { errorOf } from '../support/errors.js';

interface SlugVector {
  input: string;
  valid: boolean;
  why: string;
  normalised?: string;
  rest_api_valid?: boolean;
}

const slugVectors = vectors.monitor_slugs as SlugVector[];

describe('slugs against the protocol vectors', () => {
  it('has vectors to check', () => {
    expect(slugVectors.length).toBeGreaterThan(5);
  });

  for (const vector of slugVectors) {
    if (vector.valid) {
      it(`sends ${JSON.stringify(vector.input)} as ${JSON.stringify(vector.normalised)} (${vector.why})`, () => {
        expect(normaliseSlug(vector.input)).toBe(vector.normalised);
        expect(requireSlug(vector.input, '--slug')).toBe(vector.normalised);
      });
    } else {
      it(`refuses ${JSON.stringify(vector.input)} (${vector.why})`, () => {
        if (vector.normalised !== undefined) expect(normaliseSlug(vector.input)).toBe(vector.normalised);
        const error = errorOf(() => requireSlug(vector.input, '--slug'));
        expect(error.code).toBe('usage');
        expect(error.exitCode).toBe(2);
        expect(error.message).toContain('--slug');
      });
    }
    if (vector.rest_api_valid !== undefined) {
      it(`REST API slug rule for ${JSON.stringify(vector.input)} is ${vector.rest_api_valid}`, () => {
        expect(isValidApiSlug(normaliseSlug(vector.input))).toBe(vector.rest_api_valid);
      });
    }
  }
});

describe('requireSlug', () => {
  it('names the label and explains when the slug is missing', () => {
    const error = errorOf(() => requireSlug(undefined, 'CRONMON_SLUG'));
    expect(error.message).toMatch(/^CRONMON_SLUG is required/);
  });

  it('names the label and the kept characters when nothing usable is left', () => {
    const error = errorOf(() => requireSlug('!!! ...', '--slug'));
    expect(error.message).toContain('--slug "!!! ..."');
    expect(error.message).toContain('a-z, 0-9');
  });

  it('treats information separators as spaces, as Python does', () => {
    expect(normaliseSlug('a\u001cb')).toBe('a-b');
    expect(normaliseSlug('a\tb\nc')).toBe('a-b-c');
  });

  it('expands compatibility characters before dropping non-ASCII', () => {
    expect(normaliseSlug('ﬁle Ⅻ')).toBe('file-xii');
    expect(normaliseSlug('Straße')).toBe('strae');
  });

  it('cuts to 50 characters before slugifying, counting code points', () => {
    // 49 crabs (each one code point, two UTF-16 units) and then letters: relay keeps 50 code points.
    expect(normaliseSlug(`${'🦀'.repeat(49)}ab`)).toBe('a');
    expect(normaliseSlug(`${'.'.repeat(50)}abc`)).toBe('');
  });
});

// Characters that exercise every branch of the slugify steps.
const interesting = fc.constantFrom(
  'a',
  'z',
  'A',
  'Q',
  '0',
  '9',
  '_',
  '-',
  ' ',
  '\t',
  '\n',
  '\u001c',
  '\u001f',
  '.',
  '!',
  '/',
  'é',
  'ß',
  'İ',
  'ﬀ',
  'Ⅻ',
  '🦀',
  '\u0301',
  'K',
);
const slugInput = fc.oneof(fc.string({ unit: interesting, maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 80 }));

describe('normaliseSlug properties', () => {
  it('is idempotent: Sentry stores exactly what is sent', () => {
    fc.assert(
      fc.property(slugInput, (input) => {
        const once = normaliseSlug(input);
        expect(normaliseSlug(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('yields at most 50 of [a-z0-9_-], never starting or ending with - or _', () => {
    fc.assert(
      fc.property(slugInput, (input) => {
        const slug = normaliseSlug(input);
        expect(slug).toMatch(/^[a-z0-9_-]{0,50}$/);
        expect(slug).not.toMatch(/^[-_]|[-_]$/);
        expect(slug).not.toContain('--');
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves a canonical slug unchanged', () => {
    const canonical = fc.stringMatching(/^[a-z0-9]([a-z0-9_-]{0,48}[a-z0-9])?$/).filter((slug) => !slug.includes('--'));
    fc.assert(
      fc.property(canonical, (slug) => {
        expect(normaliseSlug(slug)).toBe(slug);
        expect(requireSlug(slug, '--slug')).toBe(slug);
      }),
    );
  });

  it('ignores case', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', 'c', 'D', ' ', '-', '_', '1'), maxLength: 60 }), (input) => {
        expect(normaliseSlug(input.toUpperCase())).toBe(normaliseSlug(input.toLowerCase()));
      }),
    );
  });

  it('requireSlug either returns the normalised slug or refuses an unusable one', () => {
    fc.assert(
      fc.property(slugInput, (input) => {
        const slug = normaliseSlug(input);
        if (slug === '') expect(() => requireSlug(input, '--slug')).toThrow(CronmonError);
        else expect(requireSlug(input, '--slug')).toBe(slug);
      }),
    );
  });
});

describe('isValidApiSlug', () => {
  it('accepts lower-case slugs of 1 to 50 characters that are not only digits', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9_-]{1,50}$/).filter((s) => !/^[0-9]+$/.test(s)),
        (slug) => {
          expect(isValidApiSlug(slug)).toBe(true);
        },
      ),
    );
  });

  it('refuses slugs made only of digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,50}$/), (slug) => {
        expect(isValidApiSlug(slug)).toBe(false);
      }),
    );
  });

  it('refuses empty, too long, upper-case and other characters', () => {
    expect(isValidApiSlug('')).toBe(false);
    expect(isValidApiSlug('a'.repeat(50))).toBe(true);
    expect(isValidApiSlug('a'.repeat(51))).toBe(false);
    expect(isValidApiSlug('Nightly')).toBe(false);
    expect(isValidApiSlug('nightly backup')).toBe(false);
    expect(isValidApiSlug('job.daily')).toBe(false);
    expect(isValidApiSlug('1a')).toBe(true);
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const expected = /^[a-z0-9_-]{1,50}$/.test(text) && !/^[0-9]+$/.test(text);
        expect(isValidApiSlug(text)).toBe(expected);
      }),
    );
  });

  it('holds for every normalised slug that is not empty or all digits', () => {
    fc.assert(
      fc.property(slugInput, (input) => {
        const slug = normaliseSlug(input);
        expect(isValidApiSlug(slug)).toBe(slug !== '' && !/^[0-9]+$/.test(slug));
      }),
    );
  });
});
