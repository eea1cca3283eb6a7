import { CLIENT_NAME, VERSION } from '../util/version.js';

// The event that carries a run's output tail. It is linked to the monitor by
// contexts.monitor.slug (indexed as the `monitor.slug` tag) and to the run's check-ins by the
// shared trace id. Key order follows the protocol vectors.
export interface FailureEvent {
  event_id: string;
  timestamp: number;
  platform: 'other';
  level: 'error' | 'info';
  logger: string;
  environment: string;
  logentry: { formatted: string };
  server_name?: string;
  tags: Record<string, string>;
  contexts: {
    monitor: { slug: string };
    trace: { trace_id: string; span_id: string; type: 'trace' };
  };
  extra: { command: string[]; duration_seconds: number };
  fingerprint: string[];
  sdk: { name: string; version: string };
}

export interface FailureEventInput {
  eventId: string;
  spanId: string;
  traceId: string;
  endedAt: Date;
  slug: string;
  environment: string;
  failed: boolean;
  message: string;
  exitCode: number;
  command: readonly string[];
  durationMs: number;
  // The host the job ran on; undefined leaves it out (--no-server-name).
  serverName?: string | undefined;
}

export function buildFailureEvent(input: FailureEventInput): FailureEvent {
  return {
    event_id: input.eventId,
    timestamp: input.endedAt.getTime() / 1000,
    platform: 'other',
    level: input.failed ? 'error' : 'info',
    logger: CLIENT_NAME,
    environment: input.environment,
    logentry: { formatted: input.message },
    ...(input.serverName === undefined ? {} : { server_name: input.serverName }),
    tags: {
      'monitor.slug': input.slug,
      exit_code: String(input.exitCode),
      ...(input.serverName === undefined ? {} : { host: input.serverName }),
    },
    contexts: {
      monitor: { slug: input.slug },
      trace: { trace_id: input.traceId, span_id: input.spanId, type: 'trace' },
    },
    extra: { command: boundedCommand(input.command), duration_seconds: Math.round(input.durationMs) / 1000 },
    // One issue per monitor: every failure of a job groups together.
    fingerprint: [CLIENT_NAME, input.slug],
    sdk: { name: CLIENT_NAME, version: VERSION },
  };
}

// Sentry refuses a whole envelope whose event is over 1 MiB, and a job may have megabytes of
// arguments: the event keeps the first MAX_COMMAND_CHARS of them, so that the output tail
// beside it always arrives.
export const MAX_COMMAND_CHARS = 8192;

export function boundedCommand(command: readonly string[]): string[] {
  const kept: string[] = [];
  let room = MAX_COMMAND_CHARS;
  for (const [index, arg] of command.entries()) {
    if (arg.length > room) {
      if (room > 0) kept.push(`${arg.slice(0, room)}…`);
      const left = command.length - index - (room > 0 ? 1 : 0);
      if (left > 0) kept.push(`… ${left} more argument${left === 1 ? '' : 's'}`);
      return kept;
    }
    kept.push(arg);
    room -= arg.length;
  }
  return kept;
}
