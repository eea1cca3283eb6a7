import { sendHeartbeat } from '../sentry/heartbeat.js';
import { resolveHeartbeatOptions } from './heartbeat-settings.js';
import type { HeartbeatFlags } from '../config/command-flags.js';

// `cronmon heartbeat`: one check-in; its id on stdout for `--status in_progress`, or the whole
// of it with --json; exit 1 when it was not delivered.
export async function runHeartbeat(flags: HeartbeatFlags): Promise<void> {
  const options = await resolveHeartbeatOptions(flags, process.env, process.stderr.isTTY === true);
  const { checkInId, delivery } = await sendHeartbeat(options);
  const delivered = delivery.outcome === 'sent' || options.dryRun;
  if (flags.json === true) {
    const { slug, environment, status } = options;
    process.stdout.write(`${JSON.stringify({ check_in_id: checkInId, slug, environment, status, delivered })}\n`);
  } else if (options.status === 'in_progress') {
    process.stdout.write(`${checkInId}\n`);
  }
  if (!delivered) {
    options.log.error(`${delivery.label} for ${options.slug} was not delivered: ${delivery.reason ?? 'unknown reason'}`);
    process.exitCode = 1;
  }
}
