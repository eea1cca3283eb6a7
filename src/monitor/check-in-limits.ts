// Sentry keeps at most this many check-ins per minute per monitor and environment, and silently
// drops the rest after answering 2xx (relay's per-monitor quota, crons.per_monitor_rate_limit).
export const SENTRY_CHECK_INS_PER_MINUTE = 6;
