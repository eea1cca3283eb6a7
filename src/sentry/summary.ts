import type { Delivery } from './reporter.js';

// Everything that failed in one run, as one line: "open and close check-in: connection refused
// by sentry.example.com". Cron mails any output, so a run says it at most once. A delivery
// skipped for a rate limit did not reach Sentry either: a monitor that silently stops getting
// check-ins would look like a job that stopped running.
export function summariseDeliveries(deliveries: readonly Delivery[]): string | undefined {
  const byReason = new Map<string, string[]>();
  for (const delivery of deliveries) {
    if (delivery.outcome === 'sent' || delivery.outcome === 'dry-run') continue;
    const reason = delivery.reason ?? 'failed';
    byReason.set(reason, [...(byReason.get(reason) ?? []), delivery.label]);
  }
  if (byReason.size === 0) return undefined;
  const parts = [...byReason].map(([reason, labels]) => `${joinLabels(labels)}: ${reason}`);
  return `Sentry did not get this run's report (the job itself was not affected): ${parts.join('; ')}`;
}

function joinLabels(labels: string[]): string {
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}
