import type { Log } from '../log.js';
import { dsnOrigin, envelopeUrl, maskEnvelopeUrl, redact, type Dsn } from './dsn.js';
import { limitedFor, mergeRateLimits, parseRateLimits, type Category, type RateLimits } from './rate-limits.js';
import { loadRateLimits, rateLimitFile, saveRateLimits } from './rate-limit-store.js';
import { describeNetworkError, httpRequest } from './transport.js';

export interface Delivery {
  // What was sent, for messages: "open check-in", "close check-in", "output log".
  label: string;
  // rate-limited: not sent, because Sentry asked to wait; dry-run: printed instead of sent.
  outcome: 'sent' | 'failed' | 'rate-limited' | 'dry-run';
  reason?: string;
}

export interface ReporterOptions {
  dsn: Dsn;
  sendTimeoutMs: number;
  cacheDir: string;
  log: Log;
}

export interface Reporter {
  send(label: string, categories: readonly Category[], envelope: Buffer): Promise<Delivery>;
  // Persists rate limits learnt during this run; call once at the end.
  finish(): void;
}

// Sends envelopes to one DSN. Never throws: every failure becomes a Delivery the caller sums up.
export function createReporter(options: ReporterOptions): Reporter {
  const { dsn, log } = options;
  const url = envelopeUrl(dsn);
  const host = dsnOrigin(dsn).replace(/^https?:\/\//, '');
  const shown = maskEnvelopeUrl(redact(url, [dsn.publicKey, dsn.pass]));
  const stateFile = rateLimitFile(options.cacheDir, dsn);
  let limits: RateLimits = loadRateLimits(stateFile, Date.now());
  let learnt = false;

  async function deliver(label: string, categories: readonly Category[], envelope: Buffer): Promise<Delivery> {
    const waitSeconds = Math.max(...categories.map((category) => limitedFor(limits, category, Date.now())));
    if (waitSeconds > 0) {
      log.debug(`${label} not sent: Sentry asked to wait ${waitSeconds}s more (rate limit)`);
      return { label, outcome: 'rate-limited', reason: `rate limited by Sentry for ${waitSeconds}s more` };
    }
    const started = performance.now();
    try {
      const response = await httpRequest('POST', url, {
        headers: { 'Content-Type': 'application/x-sentry-envelope' },
        body: envelope,
        timeoutMs: options.sendTimeoutMs,
      });
      const header = (name: string) => [response.headers[name]].flat()[0];
      const learned = parseRateLimits(
        { status: response.status, rateLimits: header('x-sentry-rate-limits'), retryAfter: header('retry-after') },
        Date.now(),
      );
      if (Object.keys(learned).length > 0) {
        limits = mergeRateLimits(limits, learned);
        learnt = true;
      }
      log.debug(`POST ${shown} (${label}) → ${response.status} in ${Math.round(performance.now() - started)} ms`);
      if (response.status >= 200 && response.status < 300) return { label, outcome: 'sent' };
      return { label, outcome: 'failed', reason: redact(describeStatus(response.status, response.body, learned), [dsn.publicKey]) };
    } catch (error) {
      const reason = describeNetworkError(error, host);
      log.debug(`POST ${shown} (${label}) → ${reason} after ${Math.round(performance.now() - started)} ms`);
      return { label, outcome: 'failed', reason };
    }
  }

  return {
    send: deliver,
    finish() {
      if (learnt) saveRateLimits(stateFile, limits);
    },
  };
}

// --dry-run: prints each envelope on stderr (key masked) instead of sending it.
export function createDryRunReporter(log: Log, dsn: Dsn | undefined): Reporter {
  const target = dsn ? `POST ${maskEnvelopeUrl(redact(envelopeUrl(dsn), [dsn.publicKey, dsn.pass]))}` : 'nowhere: no DSN is set';
  return {
    async send(label, _categories, envelope) {
      const body = envelope.toString('utf8');
      log.print(`cronmon: dry run: ${label} would be sent to ${target}\n${dsn ? redact(body, [dsn.publicKey]) : body}`);
      return { label, outcome: 'dry-run' };
    },
    finish() {},
  };
}

function describeStatus(status: number, body: string, learned: RateLimits): string {
  if (status === 429) {
    const seconds = Math.max(0, ...Object.values(learned).map((deadline) => Math.ceil((deadline - Date.now()) / 1000)));
    return `rate limited by Sentry (429) for ${seconds}s`;
  }
  const detail = sentryDetail(body);
  if (status === 401 || status === 403) return `Sentry refused the DSN key (${status}${detail ? `: ${detail}` : ''})`;
  if (status === 413) return 'Sentry refused the envelope as too large (413)';
  return `Sentry answered ${status}${detail ? `: ${detail}` : ''}`;
}

function sentryDetail(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown };
    return typeof parsed.detail === 'string' ? parsed.detail.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
