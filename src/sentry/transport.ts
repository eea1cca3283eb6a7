import type { IncomingHttpHeaders } from 'node:http';
import { formatDuration } from '../config/duration.js';
import { USER_AGENT } from '../version.js';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

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

// One HTTP request with node's own http/https (https is loaded only when needed: start-up time
// is part of every cron run). The AbortSignal timer is the deadline: undici's and node's socket
// timers are too coarse to bound a run.
export async function httpRequest(method: string, url: string, options: PostOptions): Promise<HttpResponse> {
  const target = new URL(url);
  // getBuiltinModule, not import(): bin/cronmon compiles the bundle with a code cache, where
  // import() is not available on Node 20.
  const client = target.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const signal = AbortSignal.timeout(options.timeoutMs);
  return new Promise<HttpResponse>((resolve, reject) => {
    const fail = (error: unknown) => reject(signal.aborted ? new DeliveryTimeout(options.timeoutMs) : error);
    const request = client.request(
      target,
      {
        method,
        signal,
        headers: { 'User-Agent': USER_AGENT, 'Content-Length': String(options.body.byteLength), ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
        response.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size <= limit) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', fail);
      },
    );
    request.on('error', fail);
    request.end(options.body);
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

