import { usageError } from '../util/errors.js';

export const DEFAULT_ENVIRONMENT = 'production';

// Relay drops check-ins whose environment exceeds 64 characters (Unicode scalar values), and
// Sentry refuses names matching anything outside `^[^\n\r\f/]*$`.
const MAX_ENVIRONMENT_LENGTH = 64;
const FORBIDDEN = /[/\n\r\f]/;

/** The environment to send: absent or empty means `production`, as Sentry treats it. */
export function normaliseEnvironment(input: string | undefined, label: string): string {
  if (input === undefined || input === '') return DEFAULT_ENVIRONMENT;
  const length = Array.from(input).length;
  if (length > MAX_ENVIRONMENT_LENGTH) {
    throw usageError(`${label} must be at most ${MAX_ENVIRONMENT_LENGTH} characters (got ${length})`);
  }
  if (FORBIDDEN.test(input)) {
    throw usageError(`${label} ${JSON.stringify(input)} must not contain "/", line breaks or form feeds`);
  }
  return input;
}
