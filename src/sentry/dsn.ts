import { getEnvelopeEndpointWithUrlEncodedAuth, makeDsn, type DsnComponents } from '@sentry/core';
import { CLIENT_NAME, VERSION } from '../version.js';

export type Dsn = DsnComponents;

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

// Strict DSN parsing: @sentry/core's parser, with the checks it leaves out (non-numeric
// project ids, placeholders) and messages that never contain the key.
export function parseDsn(raw: string): DsnResult {
  const text = raw.trim();
  const fail = (reason: string): DsnResult => ({ ok: false, reason });
  if (text === '') return fail('it is empty');
  const shape = /^(\w+):\/\/(?:([^@/]*)@)?([^/]*)(\/.*)?$/.exec(text);
  if (!shape) return fail('expected <protocol>://<key>@<host>/<project id>');
  const [, protocol = '', userInfo, hostPort = '', path = ''] = shape;
  if (protocol !== 'http' && protocol !== 'https') return fail(`the protocol must be http or https, not ${protocol}`);
  if (userInfo === undefined || userInfo === '') return fail('the public key (before @) is missing');
  const [key = '', secret] = userInfo.split(':');
  if (!/^\w+$/.test(key) || (secret !== undefined && secret !== '' && !/^\w+$/.test(secret))) {
    return fail('the key may contain only letters, digits and _');
  }
  const port = /^(?:\[[:.%\w]+\]|[\w.-]+)(?::(.*))?$/.exec(hostPort);
  if (!port) return fail('the host is not a valid host name');
  if (port[1] !== undefined && !/^\d+$/.test(port[1])) return fail('the port must be a number');
  const projectId = path.split('/').pop() ?? '';
  if (!/^\d+$/.test(projectId)) return fail('the project id (last path segment) must be a number');
  if (PLACEHOLDER_KEYS.has(key.toLowerCase()) || /^<.*>$/.test(key) || /^0+$/.test(projectId) || /^o0+\./.test(hostPort)) {
    return fail('it is a documentation placeholder, not a real DSN');
  }
  const dsn = makeDsn(text);
  return dsn ? { ok: true, dsn } : fail('expected <protocol>://<key>@<host>/<project id>');
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
