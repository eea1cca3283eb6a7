import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { IngestAnswer, IngestRequest } from './ingest.js';

// Relay's limit for a whole envelope after decompression (protocol §5), applied to the bytes
// received as well.
export const MAX_BODY_BYTES = 200 * 1024 * 1024;

export interface ServerTimeouts {
  // From the connection until the request's headers are in.
  headersMs: number;
  // From the connection until the whole request, body included, is in.
  requestMs: number;
}

// A sender that stalls or trickles (half a request, then nothing) is cut off, with 408.
export const SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 60_000 };

export class BodyRejected extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

export async function readRequest(request: IncomingMessage): Promise<IngestRequest> {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase() ?? '';
  const identity = encoding === '' || encoding === 'identity';
  const decoder = identity ? undefined : DECODERS.get(encoding)?.();
  if (!identity && !decoder) throw new BodyRejected(415, `unsupported content encoding ${encoding}`);
  const base = `http://${request.headers.host ?? '127.0.0.1'}`;
  const url = URL.canParse(request.url ?? '/', base) ? new URL(request.url ?? '/', base) : undefined;
  if (!url) throw new BodyRejected(400, 'the request line or Host header is not a URL');
  const body = await readBody(request, decoder, encoding);
  return { method: request.method ?? 'GET', url, headers: request.headers, body };
}

// The body, decompressed as it arrives (off the main thread), and refused as soon as either
// what was received or what it decompresses to passes the limit: a compression bomb costs no
// more time or memory than an honest envelope of the limit's size.
function readBody(request: IncomingMessage, decoder: Transform | undefined, encoding: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let decoded = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      if (decoder) {
        request.unpipe(decoder);
        decoder.destroy();
      }
      // What is still coming is read and dropped; the answer goes out now.
      request.resume();
      reject(error);
    };
    const tooLarge = (what: string) => new BodyRejected(413, `the request is larger than ${MAX_BODY_BYTES} bytes${what}`);
    request.on('error', () => fail(new BodyRejected(400, 'the request ended before its body was complete')));
    if (decoder) {
      request.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_BODY_BYTES) fail(tooLarge(''));
      });
      decoder.on('error', () => fail(new BodyRejected(400, `the body is not valid ${encoding}`)));
    }
    const output = decoder ?? request;
    output.on('data', (chunk: Buffer) => {
      if (settled) return;
      decoded += chunk.length;
      if (decoded > MAX_BODY_BYTES) return fail(tooLarge(decoder ? ' once decompressed' : ''));
      chunks.push(chunk);
    });
    output.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    if (decoder) request.pipe(decoder);
  });
}

// An HTTP server that cuts off slow or stalled senders (the strict test server uses it too).
export function createHttpServer(listener: RequestListener, timeouts: ServerTimeouts = SERVER_TIMEOUTS): Server {
  return createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often those deadlines are checked (Node's default, 30 s, would let them slip).
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    listener,
  );
}

export function writeAnswer(response: ServerResponse, answer: Pick<IngestAnswer, 'status' | 'headers' | 'body'>): void {
  // A sender that went away (or was cut off) gets no answer.
  if (response.headersSent || !response.socket || response.socket.destroyed) return;
  response.writeHead(answer.status, answer.headers).end(answer.body);
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export type RequestHandler = (request: IngestRequest) => IngestAnswer | Promise<IngestAnswer>;

// An HTTP server answering every request through `handle`; a body that cannot be read gets
// relay's answer (413/415/400), and `onRejected` hears about it.
export function createReceiverServer(
  handle: RequestHandler,
  onRejected: (status: number, reason: string) => void = () => {},
  timeouts: ServerTimeouts = SERVER_TIMEOUTS,
): Server {
  return createHttpServer((request, response) => {
    readRequest(request)
      .then(handle)
      .then((answer) => writeAnswer(response, answer))
      .catch((error: unknown) => {
        const status = error instanceof BodyRejected ? error.status : 500;
        const reason = error instanceof Error ? error.message : String(error);
        onRejected(status, reason);
        writeAnswer(response, { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ detail: reason }) });
      });
  }, timeouts);
}
