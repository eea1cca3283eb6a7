import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../src/sentry/deadline.js';
import { ProxyFailure } from '../../src/sentry/network.js';
import { isRetryStatus, isTransient, retryWait, withRetries, type Outcome } from '../../src/sentry/retry.js';

describe('what is retried', () => {
  it('408, 500, 502, 503 and 504; never 429 or another 4xx, nor a 2xx', () => {
    const retried = Array.from({ length: 500 }, (_, i) => i + 100).filter(isRetryStatus);
    expect(retried).toEqual([408, 500, 502, 503, 504]);
  });

  it('refused, reset and hung-up connections, a resolver that could not answer, a proxy 5xx; not a host that does not exist', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']) expect(isTransient(Object.assign(new Error(code), { code }))).toBe(true);
    for (const code of ['ENOTFOUND', 'ETIMEDOUT', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', undefined])
      expect(isTransient(Object.assign(new Error('x'), { code }))).toBe(false);
    expect(isTransient(new ProxyFailure('proxy answered 503', true))).toBe(true);
    expect(isTransient(new ProxyFailure('proxy refused (407)'))).toBe(false);
  });
});

describe('retryWait', () => {
  it('starts at about 200 ms and doubles, with jitter of at most 20 %, up to 5 s', () => {
    const long = new Deadline(600_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (retry, random) => {
        const base = Math.min(5000, 200 * 2 ** (retry - 1));
        const wait = retryWait(retry, long, () => random) ?? -1;
        expect(wait).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(wait).toBeLessThanOrEqual(Math.ceil(base * 1.2));
      }),
    );
  });

  it('gives up when the deadline leaves no room for the wait and one more attempt', () => {
    expect(retryWait(1, new Deadline(250), () => 0.5)).toBeUndefined();
    expect(retryWait(1, new Deadline(5000), () => 0.5)).toBe(200);
  });
});

describe('withRetries', () => {
  const failing = (code: string) => Object.assign(new Error(code), { code });

  it('tries again while the outcome is worth it, and resolves with the first that is not', async () => {
    const answers: Outcome<number>[] = [
      { ok: false, error: failing('ECONNRESET') },
      { ok: true, value: 503 },
      { ok: true, value: 200 },
    ];
    const seen: [number, number | undefined][] = [];
    const result = await withRetries(
      async () => {
        const next = answers.shift();
        if (!next) throw new Error('called once too often');
        if (!next.ok) throw next.error;
        return next.value;
      },
      {
        deadline: new Deadline(10_000),
        retryable: (outcome) => (outcome.ok ? isRetryStatus(outcome.value) : isTransient(outcome.error)),
        onAttempt: (_, attempt, _ms, retryInMs) => seen.push([attempt, retryInMs]),
      },
    );
    expect(result).toBe(200);
    expect(seen.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(seen[2]?.[1]).toBeUndefined();
    expect(seen.slice(0, 2).every(([, wait]) => wait !== undefined && wait >= 160 && wait <= 480)).toBe(true);
  });

  it('rejects with the last error when it is not worth retrying, after one attempt', async () => {
    let calls = 0;
    const error = await withRetries(
      async () => {
        calls++;
        throw failing('ENOTFOUND');
      },
      { deadline: new Deadline(10_000), retryable: (outcome) => !outcome.ok && isTransient(outcome.error) },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
    expect(calls).toBe(1);
  });

  it('stops at maxAttempts, and when the deadline is too close', async () => {
    let calls = 0;
    const always503 = async () => {
      calls++;
      return 503;
    };
    expect(await withRetries(always503, { deadline: new Deadline(60_000), retryable: () => true, maxAttempts: 2 })).toBe(503);
    expect(calls).toBe(2);
    calls = 0;
    expect(await withRetries(always503, { deadline: new Deadline(150), retryable: () => true })).toBe(503);
    expect(calls).toBe(1);
  });
});
