import { formatDuration } from '../util/duration.js';
import type { Sourced } from '../config/sourced.js';
import type { DsnSetting } from '../sentry/dsn.js';
import { maskUrlCredentials } from '../util/safe-text.js';
import { errorDetail } from '../sentry/api.js';
import { maskDsn } from '../sentry/dsn.js';
import { ProxyFailure } from '../sentry/network.js';
import type { Probe } from '../sentry/probe.js';
import { sentryDetail } from '../sentry/reporter.js';
import { DeliveryTimeout, describeNetworkError } from '../sentry/transport.js';
import { check, type Check } from './check.js';

// The checks of what reaches Sentry: the DSN, the ingest endpoint, the clock against Sentry's,
// and the auth token. Pure: the requests were made by run-doctor.ts.

// exec's default --send-timeout: an answer slower than this is given up on under cron.
export const SLOW_MS = 5_000;
// Beyond this, schedules drift visibly against Sentry's clock.
export const CLOCK_TOLERANCE_MS = 60_000;

const COPY_DSN = 'copy the DSN from Sentry (Settings → Projects → Client Keys)';

export function dsnCheck(dsn: DsnSetting | undefined): Check {
  if (!dsn) return check('dsn', 'fail', 'no DSN found', 'set SENTRY_DSN in the crontab, --dsn, dsn in the config file, or [auth] dsn in ~/.sentryclirc');
  const shown = `${maskDsn(dsn.raw)} from ${dsn.source}`;
  if (!dsn.parsed.ok) return check('dsn', 'fail', `${shown} is not a valid DSN: ${dsn.parsed.reason}`, COPY_DSN);
  // cron starts jobs with an almost empty environment: a variable of this shell is not there.
  const note = dsn.source === 'SENTRY_DSN' ? ' (cron jobs see it only when the crontab sets it)' : '';
  return check('dsn', 'ok', `${shown}${note}`);
}

// `heldBackSeconds`: how much longer exec will not send check-ins, because Sentry asked it to
// wait (a rate limit remembered in the cache directory, or announced in this answer).
export function sentryCheck(probe: Probe | undefined, heldBackSeconds = 0): Check {
  if (!probe) return check('sentry', 'skip', 'not tried: no valid DSN');
  const { host, outcome } = probe;
  if (!outcome.ok) return check('sentry', 'fail', describeNetworkError(outcome.error, host), networkFix(outcome.error, host));
  const { status, body, via } = outcome.value;
  const answered = `${host} answered ${status} in ${Math.round(probe.ms)} ms${via ? ` through ${via}` : ''}`;
  const detail = sentryDetail(body);
  const why = detail ? ` (${detail})` : '';
  if (status >= 200 && status < 300) {
    if (heldBackSeconds > 0) {
      return check(
        'sentry',
        'warn',
        `${answered}, but Sentry asked to wait: exec sends no check-ins for ${formatDuration(heldBackSeconds * 1000)} more`,
        "nothing to do: it ends by itself; see the project's quotas in Sentry if it recurs",
      );
    }
    if (probe.ms <= SLOW_MS) return check('sentry', 'ok', answered);
    return check(
      'sentry',
      'warn',
      `${answered}: slower than the ${formatDuration(SLOW_MS)} exec waits by default`,
      'raise --send-timeout, or find what slows the way to Sentry (a proxy, DNS)',
    );
  }
  if (status === 401 || status === 403)
    return check('sentry', 'fail', `${answered}: the DSN key was refused${why}`, `the key is wrong, revoked or disabled: ${COPY_DSN}`);
  if (status === 429)
    return check(
      'sentry',
      'warn',
      `${answered}: Sentry is rate-limiting this project${why}, check-ins may be dropped`,
      "see the project's quotas and spike protection in Sentry",
    );
  if (status === 404)
    return check(
      'sentry',
      'fail',
      `${answered}: no Sentry ingest endpoint there`,
      "check the DSN's host and path (self-hosted: the path before the project id)",
    );
  if (status >= 500)
    return check('sentry', 'fail', `${answered}${why}`, 'Sentry, or a proxy on the way, is failing: try again later (exec retries 500, 502, 503 and 504)');
  return check('sentry', 'fail', `${answered}${why}`, 'check the DSN, and any proxy or --header on the way');
}

function networkFix(error: unknown, host: string): string {
  if (error instanceof ProxyFailure)
    return 'check the proxy: --proxy, HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY, proxy in the config file, or [http] proxy_url in .sentryclirc';
  if (error instanceof DeliveryTimeout) return `a firewall may drop the traffic: allow outgoing connections to ${host}, or set HTTPS_PROXY`;
  const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? '');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return "check the DSN's host name and this machine's DNS (/etc/resolv.conf)";
  if (code === 'ECONNREFUSED') return "nothing answers there: check the DSN's host and port; behind a proxy, set HTTPS_PROXY";
  if (/^(CERT_|ERR_TLS_CERT|UNABLE_TO_|ERR_SSL_|DEPTH_ZERO|SELF_SIGNED)/.test(code))
    return 'trust the CA that signed the certificate: SSL_CERT_FILE=/path/ca.pem or NODE_EXTRA_CA_CERTS=/path/ca.pem';
  return `check the network path to ${host} (firewall, proxy)`;
}

// Check-ins carry no time of their own: Sentry stamps them when they arrive. A clock that is off
// makes cron start jobs early or late by that much, and Sentry sees them so.
export function clockCheck(probe: Probe | undefined): Check {
  if (!probe?.outcome.ok) return check('clock', 'skip', 'not compared: Sentry was not reached');
  const date = [probe.outcome.value.headers.date].flat()[0];
  const serverMs = date === undefined ? Number.NaN : Date.parse(date);
  if (Number.isNaN(serverMs)) return check('clock', 'skip', 'not compared: the answer carried no Date');
  // Date has whole seconds: the server's time was somewhere in the second it names. Good to a
  // second or so, so a skew is shown in whole seconds, and beyond the tolerance in minutes.
  const skewMs = serverMs + 500 - probe.midpointMs;
  const size = Math.abs(skewMs);
  if (size <= CLOCK_TOLERANCE_MS) return check('clock', 'ok', `within ${Math.max(1, Math.round(size / 1000))}s of Sentry's (the Date of its answer)`);
  const off = formatDuration(Math.round(size / 60_000) * 60_000);
  return check(
    'clock',
    'warn',
    `about ${off} ${skewMs > 0 ? 'behind' : 'ahead of'} Sentry's (the Date of its answer): cron starts jobs that much off, and Sentry sees the runs early or late`,
    'synchronise the clock (timedatectl set-ntp true, chrony or ntpd)',
  );
}

export interface ApiAnswer {
  status: number;
  body: string;
  ms: number;
}

export interface ApiFacts {
  token?: Sourced | undefined;
  org?: Sourced | undefined;
  url: string;
  // The answer to GET /api/0/organizations/{org}/, or why there was none.
  answer?: ApiAnswer | { error: string } | undefined;
}

const SET_ORG = 'set --org, SENTRY_ORG, org in the config file, or [defaults] org in .sentryclirc';

export function apiCheck(facts: ApiFacts): Check {
  const { token, org, answer } = facts;
  if (!token) return check('auth-token', 'skip', 'not set: only upsert through the API and monitors list need one');
  if (!org) return check('auth-token', 'warn', `from ${token.source}, but no organization is set: not checked`, SET_ORG);
  const host = URL.canParse(facts.url) ? new URL(facts.url).host : facts.url;
  const url = maskUrlCredentials(facts.url);
  if (!answer) return check('auth-token', 'skip', 'not checked');
  if ('error' in answer) return check('auth-token', 'fail', answer.error, `check --url (${url}) and the network path to it`);
  const detail = errorDetail(answer.body);
  const why = detail ? `: ${detail}` : '';
  const whose = `the token from ${token.source}`;
  switch (answer.status) {
    case 200:
      return check('auth-token', 'ok', `${whose} reads organization ${org.value} at ${host} (${Math.round(answer.ms)} ms)`);
    case 401:
      return check(
        'auth-token',
        'fail',
        `${host} refused ${whose} (401${why})`,
        'create a new token in Sentry (Settings → Auth Tokens) and set it with --auth-token, SENTRY_AUTH_TOKEN or [auth] token in ~/.sentryclirc',
      );
    case 403:
      return check(
        'auth-token',
        'fail',
        `${whose} may not read organization ${org.value} (403${why})`,
        'use a token with the org:read scope (alerts:write to create monitors)',
      );
    case 404:
      return check(
        'auth-token',
        'fail',
        `organization ${org.value} (from ${org.source}) was not found at ${host} (404)`,
        `check the organization slug, and --url for a self-hosted Sentry; ${SET_ORG}`,
      );
    default:
      return check('auth-token', 'fail', `${host} answered ${answer.status}${why}`, `try again later, and check --url (${url})`);
  }
}
