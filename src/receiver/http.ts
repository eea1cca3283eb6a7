import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { IngestAnswer, IngestRequest } from './ingest.js';

// Relay's limit for a whole envelope after decompression.
const MAX_BODY_BYTES = 200 * 1024 * 1024;

export class BodyRejected extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

const DECODERS: Record<string, (body: Buffer) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

export async function readRequest(request: IncomingMessage): Promise<IngestRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyRejected(413, `the request is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let body: Buffer = Buffer.concat(chunks);
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    const decode = DECODERS[encoding];
    if (!decode) throw new BodyRejected(415, `unsupported content encoding ${encoding}`);
    try {
      body = decode(body);
    } catch {
      throw new BodyRejected(400, `the body is not valid ${encoding}`);
    }
  }
  return { method: request.method ?? 'GET', url: new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`), headers: request.headers, body };
}

export function writeAnswer(response: ServerResponse, answer: Pick<IngestAnswer, 'status' | 'headers' | 'body'>): void {
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
export function createReceiverServer(handle: RequestHandler, onRejected: (status: number, reason: string) => void = () => {}): Server {
  return createServer((request, response) => {
    readRequest(request)
      .then(handle)
      .then((answer) => writeAnswer(response, answer))
      .catch((error: unknown) => {
        const status = error instanceof BodyRejected ? error.status : 500;
        const reason = error instanceof Error ? error.message : String(error);
        onRejected(status, reason);
        writeAnswer(response, { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ detail: reason }) });
      });
  });
}
