import type { Socket } from 'node:net';
import { lookupHost } from './lookup.js';
import type { SecureContext } from 'node:tls';
import { USER_AGENT } from '../util/version.js';
import { ProxyFailure, type ProxySettings, type ProxySource } from './network.js';
import { matchesNoProxy } from './no-proxy.js';
import { isRetryStatus } from './retry.js';

// Going through a forward proxy: which one applies to a URL, and the CONNECT tunnel for https
// targets (http targets are sent to the proxy in absolute form). Loaded only when a proxy is set.

export interface ProxyRoute {
  url: URL;
  // For messages: "proxy http://***@proxy.corp:3128 (HTTPS_PROXY)": credentials never shown.
  label: string;
  // Basic credentials from the proxy URL.
  authorization?: string | undefined;
}

// The proxy for a request, as curl picks it: --proxy, else the scheme's variable, else ALL_PROXY,
// else the config file or .sentryclirc; none when NO_PROXY lists the host.
export function proxyFor(target: URL, settings: ProxySettings): ProxyRoute | undefined {
  const secure = target.protocol === 'https:';
  const chosen = settings.flag ?? (secure ? settings.https : settings.http) ?? settings.all ?? settings.file;
  if (!chosen) return undefined;
  const port = Number(target.port) || (secure ? 443 : 80);
  if (settings.noProxy !== undefined && matchesNoProxy(settings.noProxy, target.hostname, port)) return undefined;
  return parseProxy(chosen);
}

// A proxy URL: http:// or https://, default http:// as in curl; credentials become Basic auth.
export function parseProxy({ value, source }: ProxySource): ProxyRoute {
  const text = value.trim();
  const masked = maskProxy(text);
  const unusable = (why: string) => new ProxyFailure(`the proxy ${masked} from ${source} ${why}`);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw unusable('is not a URL (expected http://host:port)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw unusable(`is a ${url.protocol.slice(0, -1)} proxy; cronmon talks to http:// and https:// proxies`);
  if (url.hostname === '') throw unusable('has no host');
  const credentials = url.username !== '' || url.password !== '';
  const authorization = credentials ? `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}` : undefined;
  return { url, authorization, label: `proxy ${url.protocol}//${credentials ? '***@' : ''}${url.host} (${source})` };
}

// A proxy setting as it may be shown: anything before the last @ (user, password) is ***.
export function maskProxy(text: string): string {
  const at = text.lastIndexOf('@');
  if (at === -1) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  return `${scheme}***${text.slice(at)}`;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

// A connection to the proxy itself (TLS for an https:// proxy).
export function connectToProxy(route: ProxyRoute, trust: { secureContext?: SecureContext }): Socket {
  const host = route.url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (route.url.protocol === 'http:') return process.getBuiltinModule('node:net').connect({ host, port: Number(route.url.port) || 80, lookup: lookupHost });
  const ip = process.getBuiltinModule('node:net').isIP(host) !== 0;
  return process
    .getBuiltinModule('node:tls')
    .connect({ host, port: Number(route.url.port) || 443, lookup: lookupHost, ...(ip ? {} : { servername: host }), ...trust });
}

const MAX_ANSWER_BYTES = 16 * 1024;

// Asks the proxy for a tunnel to the target; resolves once it is open. The answer is read in
// paused mode, so that no byte of the tunnel is consumed before TLS takes the socket over.
export function openTunnel(socket: Socket, target: URL, route: ProxyRoute): Promise<void> {
  const authority = `${target.hostname}:${Number(target.port) || 443}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, `User-Agent: ${USER_AGENT}`];
  if (route.authorization) lines.push(`Proxy-Authorization: ${route.authorization}`);
  return new Promise<void>((resolve, reject) => {
    let answer = Buffer.alloc(0);
    const finish = (error?: Error) => {
      socket.off('readable', onReadable).off('end', onEnd).off('error', finish);
      if (error) reject(error);
      else resolve();
    };
    const onEnd = () => finish(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const onReadable = () => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        answer = Buffer.concat([answer, chunk]);
        const end = answer.indexOf('\r\n\r\n');
        if (end === -1) {
          if (answer.length > MAX_ANSWER_BYTES) return finish(new ProxyFailure(`${route.label} sent an answer without an end to CONNECT ${authority}`));
          continue;
        }
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer.toString('latin1', 0, end))?.[1] ?? 0);
        if (status === 0) return finish(new ProxyFailure(`${route.label} did not answer CONNECT ${authority} in HTTP`));
        if (status < 200 || status > 299) return finish(refusal(status, authority, route));
        if (end + 4 < answer.length) return finish(new ProxyFailure(`${route.label} sent data before the tunnel to ${authority} was open`));
        return finish();
      }
    };
    socket.on('readable', onReadable).on('end', onEnd).on('error', finish);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

// A proxy's "no" to a CONNECT, as a one-line reason; 408 and 5xx may pass on another attempt.
export function refusal(status: number, authority: string, route: ProxyRoute): ProxyFailure {
  if (status === 407) {
    return new ProxyFailure(
      route.authorization
        ? `${route.label} refused its credentials (407)`
        : `${route.label} asks for credentials (407): put them in the proxy URL, http://user:password@host:port`,
    );
  }
  if (status === 403) return new ProxyFailure(`${route.label} refused the connection to ${authority} (403)`);
  return new ProxyFailure(`${route.label} answered ${status} to CONNECT ${authority}`, isRetryStatus(status));
}
