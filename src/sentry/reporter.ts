import type { Log } from '../util/log.js';
import type { Deadline } from './deadline.js';
import { dsnOrigin, envelopeUrl, maskEnvelopeUrl, redact, type Dsn } from './dsn.js';
import { DIRECT, type Network } from './network.js';
import { limitedFor, mergeRateLimits, parseRateLimits, type Category, type RateLimits } from './rate-limits.js';
import { loadRateLimits, rateLimitFile, saveRateLimits } from './rate-limit-store.js';
import { isRetryStatus, isTransient, withRetries } from './retry.js';
import { describeAttempt, describeNetworkError, httpRequest, type HttpResponse } from './transport.js';

export interface Delivery {
  // What was sent, for messages: "open check-in", "close check-in", "output log".
  label: string;
  // rate-limited: not sent, because Sentry asked to wait; dry-run: printed instead of sent.
  outcome: 'sent' | 'failed' | 'rate-limited' | 'dry-run';
  reason?: string;
}

export interface ReporterOptions {
  dsn: Dsn;
  cacheDir: string;
  log: Log;
  network?: Network | undefined;
}

export interface Reporter {
  // Done by `deadline`, retries included.
  send(label: string, categories: readonly Category[], envelope: Buffer, deadline: Deadline): Promise<Delivery>;
  // Persists rate limits learnt during this run; call once at the end.
  finish(): void;
}

// Above this size an envelope (the output log) is sent gzip-compressed, as @sentry/node does;
// check-ins stay plain, so zlib is not even loaded for them.
const COMPRESS_ABOVE_BYTES = 8 * 1024;

// Sends envelopes to one DSN, retrying transient failures within the deadline. Never throws:
// every failure becomes a Delivery the caller sums up. -v shows each attempt.
export function createReporter(options: ReporterOptions): Reporter {
  const { dsn, log } = options;
  const url = envelopeUrl(dsn);
  const host = dsnOrigin(dsn).replace(/^https?:\/\//, '');
  const shown = maskEnvelopeUrl(redact(url, [dsn.publicKey, dsn.pass]));
  const stateFile = rateLimitFile(options.cacheDir, dsn);
  let limits: RateLimits = loadRateLimits(stateFile, Date.now());
  let learnt = false;
  const waitFor = (categories: readonly Category[]) => Math.max(...categories.map((category) => limitedFor(limits, category, Date.now())));

  async function post(body: Buffer, headers: Record<string, string>, deadline: Deadline): Promise<HttpResponse & { learned: RateLimits }> {
    const response = await httpRequest('POST', url, {
      headers: { 'Content-Type': 'application/x-sentry-envelope', ...headers },
      body,
      deadline,
      network: options.network ?? DIRECT,
    });
    const header = (name: string) => [response.headers[name]].flat()[0];
    const learned = parseRateLimits({ status: response.status, rateLimits: header('x-sentry-rate-limits'), retryAfter: header('retry-after') }, Date.now());
    if (Object.keys(learned).length > 0) {
      limits = mergeRateLimits(limits, learned);
      learnt = true;
    }
    return { ...response, learned };
  }

  async function deliver(label: string, categories: readonly Category[], envelope: Buffer, deadline: Deadline): Promise<Delivery> {
    const waitSeconds = waitFor(categories);
    if (waitSeconds > 0) {
      log.debug(`${label} not sent: Sentry asked to wait ${waitSeconds}s more (rate limit)`);
      return { label, outcome: 'rate-limited', reason: `rate limited by Sentry for ${waitSeconds}s more` };
    }
    const compress = envelope.byteLength > COMPRESS_ABOVE_BYTES;
    const body = compress ? process.getBuiltinModule('node:zlib').gzipSync(envelope) : envelope;
    const headers: Record<string, string> = compress ? { 'Content-Encoding': 'gzip' } : {};
    try {
      const response = await withRetries(() => post(body, headers, deadline), {
        deadline,
        // A 5xx that also set a rate limit is not asked again: the limit's rules apply.
        retryable: (outcome) => (outcome.ok ? isRetryStatus(outcome.value.status) && waitFor(categories) === 0 : isTransient(outcome.error)),
        onAttempt: (outcome, attempt, ms, retryInMs) => log.debug(describeAttempt(`POST ${shown} (${label})`, host, outcome, attempt, ms, retryInMs)),
      });
      if (response.status >= 200 && response.status < 300) return { label, outcome: 'sent' };
      const reason = describeStatus(response.status, response.body, response.learned) + (response.via ? ` (through ${response.via})` : '');
      return { label, outcome: 'failed', reason: redact(reason, [dsn.publicKey]) };
    } catch (error) {
      return { label, outcome: 'failed', reason: describeNetworkError(error, host) };
    }
  }

  return {
    send: deliver,
    finish() {
      if (learnt) saveRateLimits(stateFile, limits);
    },
  };
}

// --dry-run: prints each envelope on stderr (key masked) instead of sending it, and the proxy it
// would go through.
export function createDryRunReporter(log: Log, dsn: Dsn | undefined, network: Network = DIRECT): Reporter {
  const url = dsn && envelopeUrl(dsn);
  const target = dsn && url ? `POST ${maskEnvelopeUrl(redact(url, [dsn.publicKey, dsn.pass]))}` : 'nowhere: no DSN is set';
  return {
    async send(label, _categories, envelope) {
      const body = envelope.toString('utf8');
      const via = url ? await proxyNote(url, network) : '';
      log.print(`cronmon: dry run: ${label} would be sent to ${target}${via}\n${dsn ? redact(body, [dsn.publicKey]) : body}`);
      return { label, outcome: 'dry-run' };
    },
    finish() {},
  };
}

async function proxyNote(url: string, network: Network): Promise<string> {
  if (!network.proxy) return '';
  try {
    const route = (await import('./proxy.js')).proxyFor(new URL(url), network.proxy);
    return route ? ` through ${route.label}` : '';
  } catch (error) {
    return ` (${error instanceof Error ? error.message : String(error)})`;
  }
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

export function sentryDetail(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown };
    return typeof parsed.detail === 'string' ? parsed.detail.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
