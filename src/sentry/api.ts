import { CronmonError } from '../util/errors.js';
import { maskUrlCredentials } from '../util/safe-text.js';
import { Deadline } from './deadline.js';
import type { ConnectionPool } from './keep-alive.js';
import type { Network } from './network.js';
import { isRetryStatus, isTransient, withRetries } from './retry.js';
import { describeAttempt, describeNetworkError, httpRequest, type FailureFacts, type HttpResponse } from './transport.js';

// A page of 100 monitors is a few hundred kB; anything beyond this is not Sentry's API.
const MAX_API_RESPONSE_BYTES = 16 * 1024 * 1024;
// A person waits for these commands: a transient failure is tried again up to 3 times (about
// 1.4 s of waiting), not for the whole timeout.
const MAX_ATTEMPTS = 4;
// Asking again changes nothing. A POST is only sent again when it never reached the server.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

// The organization monitors REST API (list, get, create, update), authenticated with a Bearer
// token. Errors become one CronmonError each, with Sentry's own `detail` where it gives one.

export interface ApiClient {
  // The base the requests go to (the org's region URL on sentry.io).
  readonly baseUrl: string;
  request(method: string, path: string, body?: unknown): Promise<HttpResponse>;
}

export interface ApiOptions {
  url: string;
  token: string;
  // For each request, retries included.
  timeoutMs: number;
  onRequest?: (line: string) => void;
  network?: Network | undefined;
  // Shared by every client of one command: one connection per host.
  pool?: ConnectionPool | undefined;
}

export function createApiClient(options: ApiOptions, baseUrl: string = options.url): ApiClient {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    baseUrl: root,
    async request(method, path, body) {
      const url = path.startsWith('http') ? path : `${root}/api/0${path}`;
      const deadline = new Deadline(options.timeoutMs);
      const idempotent = IDEMPOTENT.has(method);
      // A password in --url is never shown (the token is never in a URL at all).
      const shown = maskUrlCredentials(url);
      let response: HttpResponse;
      try {
        response = await withRetries(
          () =>
            httpRequest(method, url, {
              headers: {
                Authorization: `Bearer ${options.token}`,
                Accept: 'application/json',
                ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
              },
              body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
              deadline,
              maxResponseBytes: MAX_API_RESPONSE_BYTES,
              network: options.network,
              pool: options.pool,
            }),
          {
            deadline,
            maxAttempts: MAX_ATTEMPTS,
            retryable: (outcome) =>
              outcome.ok
                ? idempotent && isRetryStatus(outcome.value.status)
                : isTransient(outcome.error) && (idempotent || (outcome.error as FailureFacts).requestSent !== true),
            onAttempt: (outcome, attempt, ms, retryInMs) =>
              options.onRequest?.(describeAttempt(`${method} ${shown}`, new URL(url).host, outcome, attempt, ms, retryInMs)),
          },
        );
      } catch (error) {
        throw new CronmonError('delivery', `${method} ${shown}: ${describeNetworkError(error, new URL(url).host)}`, { cause: error });
      }
      return response;
    },
  };
}

// Sentry's error bodies: {"detail": "..."} or field errors {"config": {"schedule": ["..."]}}.
export function describeApiError(response: HttpResponse, what: string): CronmonError {
  const detail = errorDetail(response.body);
  const suffix = detail ? `: ${detail}` : '';
  switch (response.status) {
    case 400:
      return new CronmonError('api', `Sentry rejected ${what} (400)${suffix}`);
    case 401:
      return new CronmonError('api', `the auth token was refused (401)${suffix}; check --auth-token, SENTRY_AUTH_TOKEN or [auth] token in .sentryclirc`);
    case 403:
      return new CronmonError('api', `the auth token may not do this (403)${suffix}; it needs the alerts:write (or org:read to list) scope`);
    case 404:
      return new CronmonError('api', `${what}: not found (404)${suffix}; check --org and --url`);
    case 429: {
      const retry = [response.headers['retry-after']].flat()[0];
      return new CronmonError('api', `Sentry rate-limited ${what} (429)${retry ? `; retry after ${retry}s` : ''}`);
    }
    default:
      return new CronmonError('api', `Sentry answered ${response.status} for ${what}${suffix}`);
  }
}

export function errorDetail(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const flatten = (value: unknown, path: string): string[] => {
    if (typeof value === 'string') return [path ? `${path}: ${value}` : value];
    if (Array.isArray(value)) return value.flatMap((item) => flatten(item, path));
    if (typeof value === 'object' && value !== null) {
      return Object.entries(value).flatMap(([key, item]) =>
        flatten(item, key === 'detail' || key === 'non_field_errors' ? path : path ? `${path}.${key}` : key),
      );
    }
    return [];
  };
  const messages = flatten(parsed, '');
  return messages.length > 0 ? messages.join('; ').slice(0, 300) : undefined;
}

// The JSON body of a successful answer, or one clear error when it is not JSON.
export function readJson<T>(response: HttpResponse, what: string): T {
  try {
    return JSON.parse(response.body) as T;
  } catch {
    throw new CronmonError('api', `Sentry answered ${response.status} for ${what}, but not with JSON (a proxy or a wrong --url?)`);
  }
}

// The `next` cursor of an RFC 5988 Link header, while it says results="true". Only the cursor
// is taken, as the Rust sentry-cli does: the request goes to the same URL with ?cursor=, never
// to a host the header names (it gets the token).
export function nextCursor(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    if (!/;\s*rel="next"/.test(part) || !/;\s*results="true"/.test(part)) continue;
    return /;\s*cursor="([^"]*)"/.exec(part)?.[1];
  }
  return undefined;
}
