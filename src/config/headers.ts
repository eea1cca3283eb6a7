import { usageError } from '../util/errors.js';
import { HEADER } from './flags.js';

// Extra request headers (--header, `headers` in the config file), for a self-hosted Sentry behind
// an access proxy.

// Headers cronmon writes itself: framing, authentication and the proxy's. Replacing one would
// break the request or its authentication.
const RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'authorization',
  'proxy-authorization',
  'proxy-connection',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// Checks one header; messages name the header but never show its value (it may be a secret).
export function checkHeader(name: string, value: string, label: string): void {
  if (!TOKEN.test(name)) throw usageError(`${label}: ${JSON.stringify(name.slice(0, 40))} is not a header name (letters, digits and !#$%&'*+.^_\`|~-)`);
  if (RESERVED.has(name.toLowerCase())) throw usageError(`${label}: ${name} is a header cronmon sets itself`);
  // CR or LF would end the header and start another: a request cronmon did not write.
  if ([...value].some((char) => (char < ' ' && char !== '\t') || char === '\x7f'))
    throw usageError(`${label}: the value of ${name} contains a control character (a line break?)`);
}

// The config file's headers with the --header flags ('Name: value') over them. Names are
// case-insensitive: a flag replaces the file's header of the same name.
export function mergeHeaders(fromFile: Readonly<Record<string, string>>, flags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  const fromFlags = flags.map((text): [string, string] => {
    const colon = text.indexOf(':');
    if (colon === -1) throw usageError(`${HEADER.long} must be 'Name: value' (there is no colon)`);
    const name = text.slice(0, colon).trim();
    const value = text.slice(colon + 1).trim();
    checkHeader(name, value, HEADER.long);
    return [name, value];
  });
  for (const [name, value] of [...Object.entries(fromFile), ...fromFlags]) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
    headers[name] = value;
  }
  return headers;
}
