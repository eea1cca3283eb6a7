import { formatDuration } from '../config/duration.js';
import { connect } from '../runtime.js';
import { USER_AGENT } from '../version.js';
import { lookupHost } from './lookup.js';
import { MalformedResponse, ResponseReader, formatRequest, type HttpResponse } from './http1.js';

export type { HttpResponse } from './http1.js';

export interface PostOptions {
  headers: Record<string, string>;
  body: Buffer;
  // Hard deadline for the whole exchange (connect, send, answer).
  timeoutMs: number;
  // Bytes of the answer kept; the rest is read and dropped. Ingest answers are tiny, a page of
  // 100 monitors from the REST API is a few hundred kB.
  maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

// One HTTP/1.1 request on its own connection (TCP, or TLS for https; see runtime.ts). The timer
// is the deadline for everything: connect, send and answer.
export function httpRequest(method: string, url: string, options: PostOptions): Promise<HttpResponse> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port) || (secure ? 443 : 80);
  return new Promise<HttpResponse>((resolve, reject) => {
    const socket = connect({ host, port, secure, lookup: lookupHost });
    const done = (settle: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      settle();
    };
    const timer = setTimeout(() => done(() => reject(new DeliveryTimeout(options.timeoutMs))), options.timeoutMs);
    const reader = new ResponseReader(method, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    const read = (next: () => HttpResponse | undefined) => {
      try {
        const response = next();
        if (response) done(() => resolve(response));
      } catch (error) {
        done(() => reject(error));
      }
    };
    socket.on('data', (chunk: Buffer) => read(() => reader.push(chunk)));
    socket.on('end', () => read(() => reader.end()));
    socket.on('error', (error) => done(() => reject(error)));
    socket.write(formatRequest(method, target, { 'User-Agent': USER_AGENT, ...options.headers }, options.body));
  });
}

export class DeliveryTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeliveryTimeout';
  }
}

// Turns a network error into a short reason a user can act on (no URL: it may carry the key).
export function describeNetworkError(error: unknown, host: string): string {
  if (error instanceof DeliveryTimeout) return `no answer from ${host} within ${formatDuration(error.timeoutMs)}`;
  if (error instanceof MalformedResponse) return `unreadable answer from ${host}: ${error.message}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host}`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset by ${host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${host}`;
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `cannot reach ${host} (${code})`;
    default:
      return `${code ?? 'request failed'} talking to ${host}`;
  }
}

