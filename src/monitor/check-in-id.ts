import { randomUUID } from 'node:crypto';
import { usageError } from '../errors.js';

// Relay parses check_in_id as a UUID and re-serialises it as 32 lowercase hex digits; sending
// that form keeps ids identical in cronmon's output, the job's environment and Sentry.
const SIMPLE = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A check-in id given by the user (32 hex digits or a dashed UUID, any case) as 32 lowercase hex. */
export function normaliseCheckInId(input: string, label: string): string {
  const id = input.trim();
  if (!SIMPLE.test(id) && !DASHED.test(id)) {
    throw usageError(`${label} ${JSON.stringify(input)} is not a check-in id: expected a UUID (32 hex digits, dashes optional)`);
  }
  return id.replaceAll('-', '').toLowerCase();
}

/** A fresh random (v4) UUID as 32 lowercase hex digits. */
export function newId(): string {
  return randomUUID().replaceAll('-', '');
}
