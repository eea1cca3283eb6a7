import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../../src/util/duration.js';
import { CronmonError } from '../../src/util/errors.js';
import { errorOf } from '../support/errors.js';

describe('parseDuration', () => {
  it('reads every unit', () => {
    expect(parseDuration('500ms', '--timeout')).toBe(500);
    expect(parseDuration('30s', '--timeout')).toBe(30_000);
    expect(parseDuration('15m', '--timeout')).toBe(900_000);
    expect(parseDuration('2h', '--timeout')).toBe(7_200_000);
    expect(parseDuration('1d', '--timeout')).toBe(86_400_000);
  });

  it('reads fractions, combinations in descending order, and bare seconds', () => {
    expect(parseDuration('1.5s', 'x')).toBe(1500);
    expect(parseDuration('.5s', 'x')).toBe(500);
    expect(parseDuration('0.5h', 'x')).toBe(1_800_000);
    expect(parseDuration('1m30s', 'x')).toBe(90_000);
    expect(parseDuration('1s500ms', 'x')).toBe(1500);
    expect(parseDuration('1d1h1m1s1ms', 'x')).toBe(90_061_001);
    expect(parseDuration('90', 'x')).toBe(90_000);
    expect(parseDuration('0.25', 'x')).toBe(250);
    expect(parseDuration('  10s\n', 'x')).toBe(10_000);
  });

  it('accepts the largest timer delay and nothing above it', () => {
    expect(parseDuration('24d20h31m23.647s', 'x')).toBe(MAX_DURATION_MS);
    expect(parseDuration(`${MAX_DURATION_MS}ms`, 'x')).toBe(MAX_DURATION_MS);
    const error = errorOf(() => parseDuration(`${MAX_DURATION_MS + 1}ms`, '--lock-wait'));
    expect(error.message).toContain(`--lock-wait "${MAX_DURATION_MS + 1}ms" is longer than the 24d20h31m23.647s cronmon can wait`);
    expect(() => parseDuration('25d', 'x')).toThrow('is longer than');
    expect(() => parseDuration('99999999999999999999999d', 'x')).toThrow('is longer than');
  });

  it('refuses junk, naming the label, the value and the accepted forms', () => {
    const junk = [
      '',
      ' ',
      'soon',
      '5 s',
      '1h 30m',
      '30S',
      '1.s',
      '1e3',
      's',
      'ms',
      '-5s',
      '+5s',
      '5sec',
      '5 minutes',
      '1w',
      'Infinity',
      'NaN',
      '0x10',
      '1,5s',
      '1m1m',
      '1ms1s',
      '30s1m',
      '5s ms',
    ];
    for (const input of junk) {
      const error = errorOf(() => parseDuration(input, '--send-timeout'));
      expect(error.code).toBe('usage');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(`--send-timeout ${JSON.stringify(input)}`);
      expect(error.message).toContain('use a positive number with a unit (ms, s, m, h, d)');
    }
  });

  it('says why: not a duration, unit order, not positive', () => {
    expect(() => parseDuration('soon', 'x')).toThrow('"soon" is not a duration');
    expect(() => parseDuration('1s1m', 'x')).toThrow('repeats a unit or puts a smaller one first');
    expect(() => parseDuration('2h2h', 'x')).toThrow('repeats a unit or puts a smaller one first');
    expect(() => parseDuration('0s', 'x')).toThrow('"0s" is not a positive duration');
    expect(() => parseDuration('0', 'x')).toThrow('is not a positive duration');
    expect(() => parseDuration('0.4ms', 'x')).toThrow('is not a positive duration');
  });

  it('rounds to whole milliseconds', () => {
    expect(parseDuration('1.0004s', 'x')).toBe(1000);
    expect(parseDuration('1.0006s', 'x')).toBe(1001);
    expect(parseDuration('0.001', 'x')).toBe(1);
  });
});

describe('formatDuration', () => {
  it('writes compact forms', () => {
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(1000)).toBe('1s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(900_000)).toBe('15m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(90_061_001)).toBe('1d1h1m1.001s');
    expect(formatDuration(-1500)).toBe('-1.5s');
  });
});

const unit = fc.constantFrom('ms', 's', 'm', 'h', 'd');
const SIZE: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

describe('duration properties', () => {
  it('parseDuration(formatDuration(ms)) === ms for every whole ms from 1 to the maximum', () => {
    const ms = fc.oneof(
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: MAX_DURATION_MS }),
      fc.constantFrom(1, 999, 1000, 1001, 59_999, 60_000, MAX_DURATION_MS),
    );
    fc.assert(
      fc.property(ms, (value) => {
        expect(parseDuration(formatDuration(value), 'x')).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('formatDuration(parseDuration(x)) is canonical: formatting again changes nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), unit, (n, u) => {
        const text = `${n}${u}`;
        fc.pre(n * (SIZE[u] ?? 0) <= MAX_DURATION_MS);
        const formatted = formatDuration(parseDuration(text, 'x'));
        expect(parseDuration(formatted, 'x')).toBe(n * (SIZE[u] ?? 0));
        expect(formatDuration(parseDuration(formatted, 'x'))).toBe(formatted);
      }),
    );
  });

  it('formatDuration is the identity on canonical single-unit text', () => {
    // Below the next unit's size, "<n><unit>" is what formatDuration writes.
    const canonical = fc.oneof(
      fc.integer({ min: 1, max: 999 }).map((n) => `${n}ms`),
      fc.integer({ min: 1, max: 59 }).map((n) => `${n}s`),
      fc.integer({ min: 1, max: 59 }).map((n) => `${n}m`),
      fc.integer({ min: 1, max: 23 }).map((n) => `${n}h`),
      fc.integer({ min: 1, max: 24 }).map((n) => `${n}d`),
    );
    fc.assert(
      fc.property(canonical, (text) => {
        expect(formatDuration(parseDuration(text, 'x'))).toBe(text);
      }),
    );
  });

  it('a combination equals the sum of its parts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        (d, h, m, s, ms) => {
          const parts = [
            [d, 'd'],
            [h, 'h'],
            [m, 'm'],
            [s, 's'],
            [ms, 'ms'],
          ] as const;
          const text = parts
            .filter(([n]) => n > 0)
            .map(([n, u]) => `${n}${u}`)
            .join('');
          fc.pre(text !== '');
          const total = parts.reduce((sum, [n, u]) => sum + n * (SIZE[u] ?? 0), 0);
          expect(parseDuration(text, 'x')).toBe(total);
        },
      ),
    );
  });

  it('never accepts anything and returns a non-positive or oversized value', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', 'm', 's', 'h', 'd', ' ', '-'), maxLength: 12 }), (text) => {
        let value: number | undefined;
        try {
          value = parseDuration(text, 'x');
        } catch (error) {
          expect(error).toBeInstanceOf(CronmonError);
          return;
        }
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(1);
        expect(value).toBeLessThanOrEqual(MAX_DURATION_MS);
      }),
    );
  });
});
