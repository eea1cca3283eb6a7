import { printable } from './safe-text.js';

// cronmon's own messages on stderr. Under cron any output becomes mail, so a healthy run
// prints nothing: notices appear only with --verbose, on a terminal, or in --dry-run.
export interface Log {
  // Always printed (also with --quiet): something failed.
  error(message: string): void;
  // Printed unless --quiet: something the user should change (e.g. pinging too fast).
  warn(message: string): void;
  // Informational: the effective slug, rate-limit skips.
  notice(message: string): void;
  // One line per request, with --verbose only.
  debug(message: string): void;
  // Output the user asked for on stderr (--dry-run envelopes), as it is.
  print(text: string): void;
  readonly verbose: boolean;
  readonly quiet: boolean;
}

export interface LogOptions {
  quiet: boolean;
  verbose: boolean;
  dryRun?: boolean;
  stderrIsTTY: boolean;
  write?: (text: string) => void;
}

export function createLog(options: LogOptions): Log {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const showNotices = !options.quiet && (options.verbose || options.stderrIsTTY || options.dryRun === true);
  // A message may quote a server or a file: it stays one line, whatever that text holds.
  const line = (message: string) => write(`cronmon: ${printable(message)}\n`);
  return {
    error: line,
    warn: (message) => options.quiet || line(`warning: ${message}`),
    notice: (message) => showNotices && line(message),
    debug: (message) => options.verbose && line(message),
    print: write,
    verbose: options.verbose,
    quiet: options.quiet,
  };
}
