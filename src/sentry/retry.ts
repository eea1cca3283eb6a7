import type { Deadline } from './deadline.js';
import { ProxyFailure } from './network.js';
import { monotonicMs } from '../util/runtime.js';

// Which failed deliveries are worth another attempt, and when. Retrying is safe: a check-in
// carries its id and an event its event_id, so a second copy changes nothing at Sentry.

// Answers that can succeed when asked again. 429 is not one: rate limits have their own rules.
const RETRY_STATUSES = new Set([408, 500, 502, 503, 504]);
// Failures before an answer that the next attempt may not meet: a refused, reset or hung-up
// connection (a TLS handshake cut short is a reset too) and a resolver that could not answer now.
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']);

const FIRST_WAIT_MS = 200;
const MAX_WAIT_MS = 5_000;
// No attempt starts with less time left than this: it could only end in a timeout, and that
// would replace the real reason in the message.
const MIN_ATTEMPT_MS = 100;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export const isRetryStatus = (status: number): boolean => RETRY_STATUSES.has(status);

export function isTransient(error: unknown): boolean {
  if (error instanceof ProxyFailure) return error.transient;
  return TRANSIENT_CODES.has(String((error as NodeJS.ErrnoException | undefined)?.code));
}

// The wait before retry number `retry` (1 for the first): about 200 ms, doubling each time, with
// ±20 % jitter so that many runs failing together do not come back in step. Undefined when the
// deadline leaves no room for the wait and one more attempt.
export function retryWait(retry: number, deadline: Deadline, random: () => number = Math.random): number | undefined {
  const wait = Math.round(Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (retry - 1)) * (0.8 + 0.4 * random()));
  return deadline.remainingMs() - wait >= MIN_ATTEMPT_MS ? wait : undefined;
}

export interface RetryOptions<T> {
  deadline: Deadline;
  retryable(outcome: Outcome<T>): boolean;
  // After every attempt; `retryInMs` is set when another one follows.
  onAttempt?(outcome: Outcome<T>, attempt: number, ms: number, retryInMs: number | undefined): void;
  maxAttempts?: number;
}

// Runs `attempt` until its outcome is not worth retrying, or the deadline (or maxAttempts) allows
// no more; then resolves or rejects as the last attempt did.
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  for (let count = 1; ; count++) {
    const started = monotonicMs();
    const outcome: Outcome<T> = await attempt().then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
    const more = count < (options.maxAttempts ?? Infinity) && options.retryable(outcome);
    const wait = more ? retryWait(count, options.deadline) : undefined;
    options.onAttempt?.(outcome, count, monotonicMs() - started, wait);
    if (wait === undefined) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
