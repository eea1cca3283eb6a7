import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRateLimits } from '../../src/sentry/rate-limit-store.js';
import { activeRateLimits, limitedFor, mergeRateLimits, parseRateLimits } from '../../src/sentry/rate-limits.js';
import { vectors } from '../support/vectors.js';

const NOW = 1_800_000_000_000;

describe('parseRateLimits against the protocol vectors', () => {
  for (const vector of vectors.rate_limit_headers) {
    it(vector.why, () => {
      const { status, 'X-Sentry-Rate-Limits': rateLimits, 'Retry-After': retryAfter } = vector.input;
      const limits = parseRateLimits({ status, rateLimits, retryAfter }, NOW);
      // The vectors write every category as '*', which @sentry/core (and cronmon) calls 'all'.
      const inSeconds = Object.fromEntries(
        Object.entries(limits).map(([category, deadline]) => [category === 'all' ? '*' : category, (deadline - NOW) / 1000]),
      );
      expect(inSeconds).toEqual(vector.expected);
    });
  }
});

describe('rate-limit deadlines', () => {
  it('limits a category by its own entry or by the all-categories entry', () => {
    const limits = { monitor: NOW + 10_000, all: NOW + 3_000 };
    expect(limitedFor(limits, 'monitor', NOW)).toBe(10);
    expect(limitedFor(limits, 'error', NOW)).toBe(3);
    expect(limitedFor(limits, 'error', NOW + 3_000)).toBe(0);
  });

  it('merging keeps the later deadline of each category', () => {
    const deadlines = fc.dictionary(fc.constantFrom('monitor', 'error', 'all'), fc.integer({ min: 0, max: 1e9 }));
    fc.assert(
      fc.property(deadlines, deadlines, (a, b) => {
        const merged = mergeRateLimits(a, b);
        for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
          expect(merged[key]).toBe(Math.max(a[key] ?? 0, b[key] ?? 0));
        }
      }),
    );
  });

  it('forgets expired deadlines', () => {
    expect(activeRateLimits({ monitor: NOW - 1, error: NOW + 1 }, NOW)).toEqual({ error: NOW + 1 });
  });

  it('reads an HTTP-date Retry-After', () => {
    const limits = parseRateLimits({ status: 429, retryAfter: new Date(NOW + 30_000).toUTCString() }, NOW);
    expect(limits.all).toBe(NOW + 30_000);
  });
});

describe('a limit never switches monitoring off for long', () => {
  const HOUR = 3_600_000;

  it('caps every wait Sentry (or anything claiming to be Sentry) asks for at one hour', () => {
    const huge = '99999999999999999999';
    const answers = [
      { status: 429, retryAfter: huge },
      { status: 429, retryAfter: 'Fri, 31 Dec 9999 23:59:59 GMT' },
      { status: 429, rateLimits: `${huge}::organization` },
      { status: 200, rateLimits: `${huge}:monitor;error:project, 7200:attachment:key` },
    ];
    for (const answer of answers) {
      const limits = parseRateLimits(answer, NOW);
      expect(Object.keys(limits).length).toBeGreaterThan(0);
      for (const deadline of Object.values(limits)) expect(deadline).toBe(NOW + HOUR);
    }
  });

  it('keeps any wait up to the cap as Sentry said', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3600 }), (seconds) => {
        expect(parseRateLimits({ status: 429, retryAfter: String(seconds) }, NOW).all).toBe(NOW + seconds * 1000);
      }),
    );
  });

  it('ignores a stored deadline further away than the cap (a tampered or old state file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cronmon-limits-'));
    try {
      const file = join(dir, 'limits.json');
      writeFileSync(file, JSON.stringify({ all: 1e23, monitor: NOW + HOUR + 1000, error: NOW + HOUR, attachment: '1e30' }));
      expect(loadRateLimits(file, NOW)).toEqual({ error: NOW + HOUR });
      writeFileSync(file, '{"monitor": 1e999}');
      expect(loadRateLimits(file, NOW)).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
