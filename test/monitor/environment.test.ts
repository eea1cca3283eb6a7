import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronmonError } from '../../src/util/errors.js';
import { DEFAULT_ENVIRONMENT, normaliseEnvironment } from '../../src/monitor/environment.js';
import { vectors } from '../support/vectors.js';
import { errorOf } from '../support/errors.js';

interface EnvironmentVector {
  input: string | null;
  valid: boolean;
  normalised?: string;
  why: string;
}

describe('environments against the protocol vectors', () => {
  for (const vector of vectors.environments as EnvironmentVector[]) {
    const input = vector.input ?? undefined;
    it(`${vector.valid ? 'accepts' : 'refuses'} ${JSON.stringify(vector.input)} (${vector.why})`, () => {
      if (vector.valid) {
        expect(normaliseEnvironment(input, '--environment')).toBe(vector.normalised);
      } else {
        const error = errorOf(() => normaliseEnvironment(input, '--environment'));
        expect(error.code).toBe('usage');
        expect(error.exitCode).toBe(2);
        expect(error.message).toMatch(/^--environment /);
      }
    });
  }
});

describe('normaliseEnvironment', () => {
  it('defaults to production', () => {
    expect(DEFAULT_ENVIRONMENT).toBe('production');
    expect(normaliseEnvironment(undefined, 'x')).toBe('production');
    expect(normaliseEnvironment('', 'x')).toBe('production');
  });

  it('names the label and the rule', () => {
    expect(errorOf(() => normaliseEnvironment('e'.repeat(65), 'SENTRY_ENVIRONMENT')).message).toBe('SENTRY_ENVIRONMENT must be at most 64 characters (got 65)');
    for (const bad of ['prod/eu', 'a\nb', 'a\rb', 'a\fb']) {
      expect(errorOf(() => normaliseEnvironment(bad, '--environment')).message).toBe(
        `--environment ${JSON.stringify(bad)} must not contain "/", line breaks or form feeds`,
      );
    }
  });

  it('counts characters, not UTF-16 units', () => {
    expect(normaliseEnvironment('🦀'.repeat(64), 'x')).toBe('🦀'.repeat(64));
    expect(() => normaliseEnvironment('🦀'.repeat(65), 'x')).toThrow('got 65');
  });

  it('keeps any name of 1..64 characters without / \\n \\r \\f unchanged, and refuses the rest', () => {
    const name = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '-', 'É', '🦀', '/', '\n', '\r', '\f', '\v'), minLength: 1, maxLength: 80 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
    );
    fc.assert(
      fc.property(name, (name) => {
        const ok = Array.from(name).length <= 64 && !/[/\n\r\f]/.test(name);
        if (ok) expect(normaliseEnvironment(name, '--environment')).toBe(name);
        else expect(() => normaliseEnvironment(name, '--environment')).toThrow(CronmonError);
      }),
    );
  });
});
