import { Deadline } from './deadline.js';
import { dsnOrigin, envelopeUrl, maskEnvelopeUrl, redact, type Dsn } from './dsn.js';
import { probeEnvelope } from './envelope.js';
import type { Network } from './network.js';
import type { Outcome } from './retry.js';
import { describeAttempt, httpRequest, type HttpResponse } from './transport.js';

export interface Probe {
  // The DSN's host (and port), for messages.
  host: string;
  outcome: Outcome<HttpResponse>;
  ms: number;
  // This machine's clock (epoch ms) halfway through the request, to compare the answer's Date with.
  midpointMs: number;
}

// One request to the DSN's envelope endpoint that creates nothing (see probeEnvelope), timed,
// through the proxy the network settings choose for it. Not retried: it measures one attempt.
export async function probeIngest(dsn: Dsn, network: Network, timeoutMs: number, onAttempt?: (line: string) => void): Promise<Probe> {
  const url = envelopeUrl(dsn);
  const host = dsnOrigin(dsn).replace(/^https?:\/\//, '');
  const startedAt = Date.now();
  const started = performance.now();
  let outcome: Outcome<HttpResponse>;
  try {
    const headers = { 'Content-Type': 'application/x-sentry-envelope' };
    outcome = { ok: true, value: await httpRequest('POST', url, { headers, body: probeEnvelope(new Date()), deadline: new Deadline(timeoutMs), network }) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const ms = performance.now() - started;
  onAttempt?.(describeAttempt(`POST ${maskEnvelopeUrl(redact(url, [dsn.publicKey, dsn.pass]))} (probe)`, host, outcome, 1, ms, undefined));
  return { host, outcome, ms, midpointMs: startedAt + ms / 2 };
}
