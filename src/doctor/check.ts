// One finding of `cronmon doctor`: what was looked at, how it stands, and what to do about it.
// Only `fail` makes doctor exit 1: a warning is worth reading, a skip had nothing to check.

export type Level = 'ok' | 'warn' | 'fail' | 'skip';

export type CheckName = 'config' | 'dsn' | 'sentry' | 'clock' | 'timezone' | 'runtime' | 'cache-dir' | 'lock-dir' | 'auth-token';

export interface Check {
  name: CheckName;
  level: Level;
  detail: string;
  // What to do, for warnings and failures.
  fix?: string | undefined;
}

export const check = (name: CheckName, level: Level, detail: string, fix?: string): Check => ({ name, level, detail, ...(fix === undefined ? {} : { fix }) });

export const failed = (checks: readonly Check[]): boolean => checks.some((item) => item.level === 'fail');
