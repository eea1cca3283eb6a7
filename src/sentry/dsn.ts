import { getEnvelopeEndpointWithUrlEncodedAuth, type DsnComponents } from '@sentry/core';
import { CLIENT_NAME, VERSION } from '../util/version.js';

export type Dsn = DsnComponents;

// A DSN as found in the settings: as written, where it came from, and what parsing made of it.
export interface DsnSetting {
  raw: string;
  source: string;
  parsed: DsnResult;
}

export type DsnResult = { ok: true; dsn: Dsn } | { ok: false; reason: string };

// Docs placeholders parse but can never be delivered (the same list getsentry/cli skips).
const PLACEHOLDER_KEYS = new Set(['examplepublickey', 'yourpublickey', 'publickey', 'your-public-key']);

// Shows a DSN with its key (and secret) replaced by ***, whatever shape it is in.
export function maskDsn(raw: string): string {
  const text = raw.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (!scheme) return '***';
  const rest = text.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  return at === -1 ? text : `${scheme[0]}***${rest.slice(at)}`;
}

// Strict DSN parsing, by cronmon alone: @sentry/core's parser writes a DSN it rejects, key
// included, to the console, so it never sees one. Accepts what @sentry/core accepts, minus its
// quirks (trailing junk after the project id, empty path segments) and docs placeholders.
// No reason repeats any part of the input: the caller shows the DSN masked.
export function parseDsn(raw: string): DsnResult {
  const text = raw.trim();
  const fail = (reason: string): DsnResult => ({ ok: false, reason });
  if (text === '') return fail('it is empty');
  const shape = /^([^:/@]+):\/\/(?:([^@/]*)@)?([^/]*)(?:\/(.*))?$/s.exec(text);
  if (!shape) return fail('expected <protocol>://<key>@<host>/<project id>');
  const [, protocol = '', userInfo, hostPort = '', rest] = shape;
  if (protocol !== 'http' && protocol !== 'https') return fail('the protocol must be http or https');
  if (userInfo === undefined || userInfo === '') return fail('the public key (before @) is missing');
  const user = /^(\w+)(?::(\w*))?$/.exec(userInfo);
  if (!user) return fail('the key (and secret) may contain only letters, digits and _');
  const [, publicKey = '', pass = ''] = user;
  const server = /^(\[[:.%\w]+\]|[\w.-]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!server) return fail('expected a host name or [IPv6 address], then an optional :port');
  const [, host = '', port = ''] = server;
  if (port !== '' && !(Number(port) >= 1 && Number(port) <= 65535)) return fail('the port must be from 1 to 65535');
  if (!URL.canParse(`${protocol}://${host}/`)) return fail('the host is not a valid host name');
  const segments = (rest ?? '').split('/');
  const projectId = segments.pop() ?? '';
  if (!/^\d+$/.test(projectId)) return fail('the project id (last path segment) must be a number');
  if (!segments.every((segment) => /^(?!\.\.?$)[\w.~-]+$/.test(segment)))
    return fail('the path before the project id may hold only letters, digits and . _ ~ -');
  if (PLACEHOLDER_KEYS.has(publicKey.toLowerCase()) || /^0+$/.test(projectId) || /^o0+\./.test(host)) {
    return fail('it is a documentation placeholder, not a real DSN');
  }
  return { ok: true, dsn: { protocol, publicKey, pass, host, port, path: segments.join('/'), projectId } };
}

export function envelopeUrl(dsn: Dsn): string {
  return getEnvelopeEndpointWithUrlEncodedAuth(dsn, undefined, { name: CLIENT_NAME, version: VERSION });
}

export function dsnOrigin(dsn: Dsn): string {
  return `${dsn.protocol}://${dsn.host}${dsn.port ? `:${dsn.port}` : ''}`;
}

// An envelope URL with its key parameters masked, however short the key is.
export function maskEnvelopeUrl(url: string): string {
  return url.replace(/([?&](?:sentry_key|sentry_secret)=)[^&]*/g, '$1***');
}

// Replaces every occurrence of the given secrets in a text (for messages and dry-run output).
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
