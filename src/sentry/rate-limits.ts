// Sentry's rate-limit signalling (X-Sentry-Rate-Limits, Retry-After, 429), kept as absolute
// deadlines per data category so they can be stored and honoured by the next run.

// Deadline in epoch milliseconds per category; '*' means every category.
export type RateLimits = Record<string, number>;

export type Category = 'monitor' | 'error' | 'default' | 'attachment';

const KNOWN_CATEGORIES = new Set([
  'default', 'error', 'transaction', 'security', 'attachment', 'session', 'internal', 'profile',
  'profile_chunk', 'replay', 'monitor', 'span', 'log_item', 'log_byte', 'feedback', 'user_report',
  'metric_bucket', 'statsd',
]);

const DEFAULT_RETRY_SECONDS = 60;

// The longest wait honoured. Every run is a fresh process that must re-learn a limit anyway, and
// a wrong or hostile answer (Retry-After: 99999999999999999999) must not switch monitoring off
// for good: a limit still in force is simply announced again by the next request.
export const MAX_RATE_LIMIT_SECONDS = 3600;

export interface LimitSignals {
  status: number;
  rateLimits?: string | undefined;
  retryAfter?: string | undefined;
}

function retryAfterSeconds(value: string | undefined, nowMs: number): number {
  if (value === undefined) return DEFAULT_RETRY_SECONDS;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_SECONDS : Math.max(0, (date - nowMs) / 1000);
}

// Follows the SDK rules: the header wins; a 429 without it uses Retry-After, else 60 s for all.
export function parseRateLimits(signals: LimitSignals, nowMs: number): RateLimits {
  const limits: RateLimits = {};
  const extend = (category: string, seconds: number) => {
    const deadline = nowMs + Math.min(seconds, MAX_RATE_LIMIT_SECONDS) * 1000;
    limits[category] = Math.max(limits[category] ?? 0, deadline);
  };
  if (signals.rateLimits) {
    for (const entry of signals.rateLimits.split(',')) {
      const [retry = '', categories = ''] = entry.trim().split(':');
      const seconds = Number.parseInt(retry, 10);
      if (!Number.isFinite(seconds)) continue;
      if (categories === '') {
        extend('*', seconds);
        continue;
      }
      for (const category of categories.split(';')) {
        if (KNOWN_CATEGORIES.has(category)) extend(category, seconds);
      }
    }
  } else if (signals.status === 429) {
    extend('*', retryAfterSeconds(signals.retryAfter, nowMs));
  }
  return limits;
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
  const deadline = Math.max(limits['*'] ?? 0, limits[category] ?? 0);
  return deadline > nowMs ? Math.ceil((deadline - nowMs) / 1000) : 0;
}
