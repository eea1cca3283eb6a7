import { disabledUntil, updateRateLimits, type DataCategory } from '@sentry/core';

// Sentry's rate-limit signalling (X-Sentry-Rate-Limits, Retry-After, 429), read with the SDKs'
// own helpers and kept as absolute deadlines per data category, so that they can be stored and
// honoured by the next run.

// Deadline in epoch milliseconds per category; 'all' means every category (@sentry/core's form).
export type RateLimits = Record<string, number>;

export type Category = 'monitor' | 'error' | 'default' | 'attachment';

const KNOWN_CATEGORIES = new Set([
  'all',
  'default',
  'error',
  'transaction',
  'security',
  'attachment',
  'session',
  'internal',
  'profile',
  'profile_chunk',
  'replay',
  'monitor',
  'span',
  'log_item',
  'log_byte',
  'feedback',
  'user_report',
  'metric_bucket',
  'statsd',
]);

// The longest wait honoured. Every run is a fresh process that must re-learn a limit anyway, and
// a wrong or hostile answer (Retry-After: 99999999999999999999) must not switch monitoring off
// for good: a limit still in force is simply announced again by the next request.
export const MAX_RATE_LIMIT_SECONDS = 3600;

export interface LimitSignals {
  status: number;
  rateLimits?: string | undefined;
  retryAfter?: string | undefined;
}

// The SDK rules (@sentry/core's updateRateLimits): the header wins; a 429 without it uses
// Retry-After, else 60 s for all. Each entry of the header is read on its own so that the
// longest of several limits for one category is kept; unknown categories are dropped, and every
// deadline is capped.
export function parseRateLimits(signals: LimitSignals, nowMs: number): RateLimits {
  const retryAfter = signals.status === 429 ? (signals.retryAfter ?? null) : null;
  const entries = signals.rateLimits ? signals.rateLimits.split(',') : [null];
  let limits: RateLimits = {};
  for (const entry of entries) {
    const response = { statusCode: signals.status, headers: { 'x-sentry-rate-limits': entry, 'retry-after': retryAfter } };
    limits = mergeRateLimits(limits, updateRateLimits({}, response, nowMs));
  }
  const latest = nowMs + MAX_RATE_LIMIT_SECONDS * 1000;
  return Object.fromEntries(
    Object.entries(limits)
      .filter(([category, deadline]) => KNOWN_CATEGORIES.has(category) && Number.isFinite(deadline))
      .map(([category, deadline]) => [category, Math.min(deadline, latest)]),
  );
}

export function mergeRateLimits(a: RateLimits, b: RateLimits): RateLimits {
  const merged: RateLimits = { ...a };
  for (const [category, deadline] of Object.entries(b)) {
    merged[category] = Math.max(merged[category] ?? 0, deadline);
  }
  return merged;
}

// Drops expired deadlines so the stored state stays small, and any further away than cronmon
// ever stores: such a deadline comes from a tampered file or an older cronmon, not from Sentry.
export function activeRateLimits(limits: RateLimits, nowMs: number): RateLimits {
  const latest = nowMs + MAX_RATE_LIMIT_SECONDS * 1000;
  return Object.fromEntries(Object.entries(limits).filter(([, deadline]) => deadline > nowMs && deadline <= latest));
}

// Seconds left on the limit for a category (0 when it may be sent).
export function limitedFor(limits: RateLimits, category: Category, nowMs: number): number {
  const deadline = Math.max(limits.all ?? 0, disabledUntil(limits, category as DataCategory));
  return deadline > nowMs ? Math.ceil((deadline - nowMs) / 1000) : 0;
}
