import { CLIENT_NAME, VERSION } from '../version.js';

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
    tags: { 'monitor.slug': input.slug, exit_code: String(input.exitCode) },
    contexts: {
      monitor: { slug: input.slug },
      trace: { trace_id: input.traceId, span_id: input.spanId, type: 'trace' },
    },
    extra: { command: [...input.command], duration_seconds: Math.round(input.durationMs) / 1000 },
    // One issue per monitor: every failure of a job groups together.
    fingerprint: [CLIENT_NAME, input.slug],
    sdk: { name: CLIENT_NAME, version: VERSION },
  };
}
