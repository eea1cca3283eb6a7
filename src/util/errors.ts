// The one error type cronmon throws on purpose. `code` is stable (tests and scripts may rely
// on it); `exitCode` is what the process exits with when the error reaches the top.
// Every code stays below 124 so none collides with the job's own 124/126/127 or with 128+N.
//
//   code              exit  when
//   usage                2  a flag, argument or value is wrong (found before the job runs)
//   config               2  a config file is unreadable, malformed, or has an unknown key/bad value
//   missing-setting      2  a setting a command needs (token, org, DSN…) is not set anywhere
//   delivery             1  the server or the network failed (heartbeat, upsert, monitors list)
//   api                  1  the Sentry REST API answered with an error
//   listen               1  `cronmon listen` cannot open its port
//   system               1  a local command or file failed (crontab(1), writing a crontab)
//   lock-busy           75  another run holds the lock (EX_TEMPFAIL)

export type ErrorCode = 'usage' | 'config' | 'missing-setting' | 'delivery' | 'api' | 'listen' | 'system' | 'lock-busy';

const EXIT_CODES: Record<ErrorCode, number> = {
  usage: 2,
  config: 2,
  'missing-setting': 2,
  delivery: 1,
  api: 1,
  listen: 1,
  system: 1,
  'lock-busy': 75,
};

export class CronmonError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CronmonError';
    this.code = code;
    this.exitCode = EXIT_CODES[code];
  }
}

export const usageError = (message: string): CronmonError => new CronmonError('usage', message);

export const isCronmonError = (value: unknown): value is CronmonError => value instanceof CronmonError;

// The message of anything thrown, even a value whose message or toString itself throws.
export function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an error that cannot be shown';
  }
}
