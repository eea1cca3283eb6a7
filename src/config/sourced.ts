// A setting and where it came from, for messages ("--dsn", "SENTRY_DSN", "cronmon.config.yaml
// (dsn)").
export interface Sourced {
  value: string;
  source: string;
}

// Precedence: flag > environment > config file > .sentryclirc > default. Each candidate is
// [value, where it came from]; an empty string counts as unset.
export function pick(...candidates: [string | undefined, string][]): Sourced | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined && value !== '') return { value, source };
  }
  return undefined;
}

// An environment switch: set, and not 0 or false.
export const isOn = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
