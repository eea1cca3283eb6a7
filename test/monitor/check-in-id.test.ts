import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronmonError } from '../../src/util/errors.js';
import { newId, normaliseCheckInId } from '../../src/monitor/check-in-id.js';
import { vectors } from '../support/vectors.js';

interface CheckInIdVector {
  input: string | null;
  valid: boolean;
  normalised?: string;
  why: string;
}

const NIL = '00000000000000000000000000000000';

describe('check-in ids against the protocol vectors', () => {
  for (const vector of vectors.check_in_ids as CheckInIdVector[]) {
    const { input } = vector;
    if (input === null) {
      // Absent means "the nil id" to Sentry: cronmon never leaves it out, it always sends a fresh id.
      it(`never sends an absent id (${vector.why}): newId is always a real, non-nil id`, () => {
        expect(vector.normalised).toBe(NIL);
        for (let i = 0; i < 100; i++) expect(newId()).not.toBe(NIL);
      });
      continue;
    }
    it(`${vector.valid ? 'accepts' : 'refuses'} ${JSON.stringify(input)} (${vector.why})`, () => {
      if (vector.valid) {
        expect(normaliseCheckInId(input, '--check-in-id')).toBe(vector.normalised ?? input);
      } else {
        let caught: unknown;
        try {
          normaliseCheckInId(input, '--check-in-id');
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(CronmonError);
        const error = caught as CronmonError;
        expect(error.exitCode).toBe(2);
        expect(error.message).toBe(`--check-in-id ${JSON.stringify(input)} is not a check-in id: expected a UUID (32 hex digits, dashes optional)`);
      }
    });
  }
});

describe('normaliseCheckInId', () => {
  it('lower-cases, removes dashes and surrounding whitespace', () => {
    expect(normaliseCheckInId(' A460C25F-F255-4577-B920-FCFACAE4E5EB\n', 'x')).toBe('a460c25ff2554577b920fcfacae4e5eb');
  });

  it('refuses near misses', () => {
    for (const bad of [
      '',
      'a460c25ff2554577b920fcfacae4e5e',
      'a460c25ff2554577b920fcfacae4e5ebb',
      'g460c25ff2554577b920fcfacae4e5eb',
      'a460c25f-f2554577-b920-fcfacae4e5eb',
      '{a460c25f-f255-4577-b920-fcfacae4e5eb}',
      'a460c25f-f255-4577-b920-fcfacae4e5eb-',
    ]) {
      expect(() => normaliseCheckInId(bad, '--check-in-id')).toThrow(/^--check-in-id .* is not a check-in id/);
    }
  });

  it('maps any UUID, dashed or not, to its 32 lowercase hex digits', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), fc.boolean(), (uuid, dashed, upper) => {
        let text = dashed ? uuid : uuid.replaceAll('-', '');
        if (upper) text = text.toUpperCase();
        const id = normaliseCheckInId(text, 'x');
        expect(id).toBe(uuid.replaceAll('-', '').toLowerCase());
        expect(normaliseCheckInId(id, 'x')).toBe(id);
      }),
    );
  });
});

describe('newId', () => {
  it('is a version 4 UUID as 32 lowercase hex digits', () => {
    for (let i = 0; i < 200; i++) {
      const id = newId();
      expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
      expect(normaliseCheckInId(id, 'x')).toBe(id);
    }
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, newId));
    expect(ids.size).toBe(10_000);
  });
});
