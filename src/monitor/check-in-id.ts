import { usageError } from '../util/errors.js';

// Relay parses check_in_id (and event_id, trace_id) as a UUID, 32 hex digits with or without
// dashes, any case, and re-serialises it as 32 lowercase hex digits; sending that form keeps
// ids identical in cronmon's output, the job's environment and Sentry.
export const UUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A check-in id given by the user (32 hex digits or a dashed UUID, any case) as 32 lowercase hex. */
export function normaliseCheckInId(input: string, label: string): string {
  const id = input.trim();
  if (!UUID.test(id)) {
    throw usageError(`${label} ${JSON.stringify(input)} is not a check-in id: expected a UUID (32 hex digits, dashes optional)`);
  }
  return id.replaceAll('-', '').toLowerCase();
}

/** `digits` random lowercase hex digits. */
export function randomHex(digits: number): string {
  let hex = '';
  while (hex.length < digits)
    hex += Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return hex.slice(0, digits);
}

/**
 * A fresh random (v4) UUID as 32 lowercase hex digits. Ids must be unique, not secret: V8's
 * Math.random is seeded from the OS per process, as Sentry's SDKs use it where crypto is
 * missing, and node:crypto would cost about 4 ms of every cron run.
 */
export function newId(): string {
  const hex = randomHex(32);
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 12)}4${hex.slice(13, 16)}${variant}${hex.slice(17)}`;
}
