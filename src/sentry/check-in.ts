import type { MonitorConfig } from '../monitor/monitor-config.js';

export type CheckInStatus = 'in_progress' | 'ok' | 'error';

// The wire payload of a `check_in` item. Key order is the order relay and the test vectors use.
export interface CheckIn {
  check_in_id: string;
  monitor_slug: string;
  status: CheckInStatus;
  environment: string;
  duration?: number;
  monitor_config?: MonitorConfig;
  contexts?: { trace: { trace_id: string } };
}

export interface CheckInInput {
  checkInId: string;
  slug: string;
  status: CheckInStatus;
  environment: string;
  durationMs?: number | undefined;
  monitorConfig?: MonitorConfig | undefined;
  traceId?: string | undefined;
}

export function buildCheckIn(input: CheckInInput): CheckIn {
  const checkIn: CheckIn = {
    check_in_id: input.checkInId,
    monitor_slug: input.slug,
    status: input.status,
    environment: input.environment,
  };
  // Sentry wants seconds; it stores int(seconds * 1000) ms, so whole milliseconds lose nothing.
  if (input.durationMs !== undefined) checkIn.duration = Math.round(input.durationMs) / 1000;
  if (input.monitorConfig) checkIn.monitor_config = input.monitorConfig;
  if (input.traceId) checkIn.contexts = { trace: { trace_id: input.traceId } };
  return checkIn;
}
