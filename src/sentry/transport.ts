import type { Socket } from 'node:net';
import { formatDuration } from '../util/duration.js';
import { bunConnection } from '../util/runtime.js';
import { USER_AGENT } from '../util/version.js';
import type { Deadline } from './deadline.js';
import { lookupHost } from './lookup.js';
import { MalformedResponse, ResponseReader, formatRequest, type HttpResponse } from './http1.js';
import type { ConnectionPool } from './keep-alive.js';
import { DIRECT, ProxyFailure, type Network } from './network.js';
import type { ProxyRoute } from './proxy.js';
import type { Outcome } from './retry.js';
import { describeCertificateError, trustOptions } from './tls-trust.js';

export type { HttpResponse } from './http1.js';

export interface RequestOptions {
  headers: Record<string, string>;
  body: Buffer;
  // Everything ends by it: the proxy, connecting, TLS, sending and the answer.
  deadline: Deadline;
  // Bytes of the answer kept; the rest is read and dropped. Ingest answers are tiny, a page of
  // 100 monitors from the REST API is a few hundred kB.
  maxResponseBytes?: number;
  network?: Network | undefined;
  // Keeps the connection open for the next request to the same host (the REST API).
  pool?: ConnectionPool | undefined;
}

// What a failed attempt adds to its error: who kept cronmon waiting when it was not the server
// alone (a proxy), and whether the request may have reached the server (a POST is then not sent
// again).
export interface FailureFacts {
  peer?: string | undefined;
  requestSent?: boolean;
}

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

// One HTTP/1.1 request over net/tls (loaded through getBuiltinModule: bin/cronmon's code cache
// has no import() on Node 20), directly or through a proxy, whose code loads only when one is set.
export async function httpRequest(method: string, url: string, options: RequestOptions): Promise<HttpResponse> {
  const target = new URL(url);
  const network = options.network ?? DIRECT;
  const guard = new Guard(options.deadline);
  let peer: string | undefined;
  let requestSent = false;
  try {
    const proxyCode = network.proxy ? await import('./proxy.js') : undefined;
    const proxy = network.proxy && proxyCode?.proxyFor(target, network.proxy);
    const absoluteForm = proxy !== undefined && target.protocol === 'http:';
    const headers = {
      'User-Agent': USER_AGENT,
      ...network.headers,
      ...(absoluteForm && proxy.authorization ? { 'Proxy-Authorization': proxy.authorization } : {}),
      ...options.headers,
    };
    const request = formatRequest(method, target, headers, options.body, { absoluteForm, keepAlive: options.pool !== undefined });
    const key = `${proxy ? proxy.url.href : 'direct'} ${target.origin}`;
    let socket = options.pool?.take(key);
    if (socket) {
      guard.track(socket);
    } else {
      if (proxy) peer = proxy.label;
      socket = await open(target, proxy, network, guard, () => (peer = throughProxy(target, proxy)), options.pool === undefined);
    }
    peer = throughProxy(target, proxy);
    requestSent = true;
    const reader = new ResponseReader(method, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    const response = await guard.within(exchange(socket, request, reader));
    if (options.pool && reader.reusable()) options.pool.give(key, socket);
    else socket.destroy();
    if (!proxy) return response;
    // In absolute form the proxy answers in the server's place; its 407 is about the proxy.
    if (absoluteForm && response.status === 407 && proxyCode) throw proxyCode.refusal(407, target.host, proxy);
    return { ...response, via: proxy.label };
  } catch (error) {
    guard.destroyAll();
    const facts: FailureFacts = { peer, requestSent };
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), facts);
  } finally {
    guard.done();
  }
}

const throughProxy = (target: URL, proxy: ProxyRoute | undefined) => (proxy ? `${target.host} through ${proxy.label}` : undefined);

// A connected socket to the target: TCP (+TLS), or through the proxy: TCP (+TLS) to it, then for
// https a CONNECT tunnel and TLS inside it, with the target's name as SNI.
async function open(target: URL, proxy: ProxyRoute | undefined, network: Network, guard: Guard, onTunnel: () => void, oneRequest: boolean): Promise<Socket> {
  const secure = target.protocol === 'https:';
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port) || (secure ? 443 : 80);
  const net = process.getBuiltinModule('node:net');
  const tls = () => process.getBuiltinModule('node:tls');
  const sni = net.isIP(host) ? {} : { servername: host };
  if (!proxy) {
    // On Bun, for one request (a check-in, not the REST API's kept-alive pages): its own sockets,
    // as its node:net costs about 10 ms of start-up. They know no extra CAs, and queue what is
    // written until they are connected (so no waiting for 'connect' here). What is done here
    // with a socket (on, off, listeners, write, destroy) they do alike.
    const fast = oneRequest && network.trust === undefined ? bunConnection({ host, port, secure, lookup: lookupHost }) : undefined;
    if (fast) return guard.track(fast as unknown as Socket);
    const socket = secure
      ? tls().connect({ host, port, lookup: lookupHost, ...sni, ...trustOptions(network.trust) })
      : net.connect({ host, port, lookup: lookupHost });
    return guard.within(ready(guard.track(socket), secure ? 'secureConnect' : 'connect'));
  }
  const { connectToProxy, openTunnel } = await import('./proxy.js');
  const secureProxy = proxy.url.protocol === 'https:';
  const toProxy = guard.track(connectToProxy(proxy, secureProxy ? trustOptions(network.trust) : {}));
  await guard.within(ready(toProxy, secureProxy ? 'secureConnect' : 'connect'));
  if (!secure) return toProxy;
  await guard.within(openTunnel(toProxy, target, proxy));
  onTunnel();
  const tunnelled = tls().connect({ socket: toProxy, host, ...sni, ...trustOptions(network.trust) });
  return guard.within(ready(guard.track(tunnelled), 'secureConnect'));
}

function ready(socket: Socket, event: 'connect' | 'secureConnect'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      socket.off(event, onReady).off('error', settle).off('close', onClose);
      if (error) reject(error);
      else resolve(socket);
    };
    const onReady = () => settle();
    const onClose = () => settle(hangUp());
    socket.on(event, onReady).on('error', settle).on('close', onClose);
  });
}

// Writes the request and reads one answer; the socket's listeners are removed once it is in.
function exchange(socket: Socket, request: Buffer, reader: ResponseReader): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const settle = (next: () => HttpResponse | undefined) => {
      let response: HttpResponse | undefined;
      try {
        response = next();
      } catch (error) {
        cleanup();
        return reject(error instanceof Error ? error : new Error(String(error)));
      }
      if (response) {
        cleanup();
        resolve(response);
      }
    };
    const onData = (chunk: Buffer) => settle(() => reader.push(chunk));
    const onEnd = () => settle(() => reader.end());
    const onError = (error: Error) =>
      settle(() => {
        throw error;
      });
    const cleanup = () => socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    socket.write(request);
  });
}

const hangUp = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const ignore = () => {};

// The sockets of one attempt, and its deadline: when the deadline passes, every socket is
// destroyed and the step in progress fails with DeliveryTimeout. A deadline restarted meanwhile
// is noticed when the timer fires, which then waits for the rest.
class Guard {
  private readonly sockets: Socket[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly expired: Promise<never>;

  constructor(deadline: Deadline) {
    let expire: (error: Error) => void = ignore;
    this.expired = new Promise<never>((_, reject) => (expire = reject));
    this.expired.catch(ignore);
    const arm = () => {
      this.timer = setTimeout(() => {
        if (deadline.remainingMs() > 0) return arm();
        this.destroyAll();
        expire(new DeliveryTimeout(deadline.budgetMs));
      }, deadline.remainingMs());
    };
    arm();
  }

  // A late error of a socket already given up on must not crash cronmon.
  track<T extends Socket>(socket: T): T {
    if (!socket.listeners('error').includes(ignore)) socket.on('error', ignore);
    this.sockets.push(socket);
    return socket;
  }

  within<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.expired]);
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  done(): void {
    clearTimeout(this.timer);
  }
}

export class DeliveryTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeliveryTimeout';
  }
}

// Turns a network error into a short reason a user can act on (no URL: it may carry the key).
// `host` names the server unless the error names who failed (a proxy) itself.
export function describeNetworkError(error: unknown, host: string): string {
  const peer = (error as FailureFacts | undefined)?.peer ?? host;
  if (error instanceof ProxyFailure) return error.message;
  if (error instanceof DeliveryTimeout) return `no answer from ${peer} within ${formatDuration(error.timeoutMs)}`;
  if (error instanceof MalformedResponse) return `unreadable answer from ${peer}: ${error.message}`;
  const certificate = describeCertificateError(error, peer);
  if (certificate) return certificate;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${peer}`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset by ${peer}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${peer}`;
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `cannot reach ${peer} (${code})`;
    default:
      return `${code ?? 'request failed'} talking to ${peer}`;
  }
}

// The -v line of one attempt: "POST <url> (open check-in) [attempt 2] → 503 in 12 ms; retrying in 410 ms".
export function describeAttempt(
  request: string,
  host: string,
  outcome: Outcome<HttpResponse>,
  attempt: number,
  ms: number,
  retryInMs: number | undefined,
): string {
  const result = outcome.ok
    ? `${outcome.value.via ? ` via ${outcome.value.via}` : ''} → ${outcome.value.status}`
    : ` → ${describeNetworkError(outcome.error, host)}`;
  return `${request}${attempt > 1 ? ` [attempt ${attempt}]` : ''}${result} in ${Math.round(ms)} ms${retryInMs === undefined ? '' : `; retrying in ${retryInMs} ms`}`;
}
