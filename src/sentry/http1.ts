import type { IncomingHttpHeaders } from 'node:http';

// HTTP/1.1 on the wire. cronmon talks to Sentry over a plain net/tls socket instead of
// node:http, whose modules cost about 6 ms of start-up on every cron run (measured in
// `npm run bench`). Pure: bytes in, bytes out.

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  // The proxy the answer came through, masked (set by the transport).
  via?: string | undefined;
}

export interface RequestFraming {
  // `GET http://host/path`, as a forward proxy takes a request for an http:// URL.
  absoluteForm?: boolean | undefined;
  // Leave the connection open for the next request (HTTP/1.1's default); else Connection: close.
  keepAlive?: boolean | undefined;
}

export class MalformedResponse extends Error {
  override name = 'MalformedResponse';
}

export function formatRequest(method: string, target: URL, headers: Record<string, string>, body: Buffer, framing: RequestFraming = {}): Buffer {
  const path = `${framing.absoluteForm ? target.origin : ''}${target.pathname}${target.search}`;
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${target.host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${body.byteLength}`, ...(framing.keepAlive ? [] : ['Connection: close']), '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked'; state: 'size' | 'data' | 'crlf' | 'trailers'; remaining: number } | { kind: 'close' };

/**
 * Reads one response from the bytes of a connection. `push` returns the response as soon as it
 * is complete (Content-Length reached, last chunk read); `end` when the connection closed. Only
 * the first `maxBodyBytes` of the body are kept; the rest is read and dropped.
 */
export class ResponseReader {
  private pending: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: IncomingHttpHeaders; persistent: boolean } | undefined;
  private framing: Framing = { kind: 'close' };
  private readonly body: Buffer[] = [];
  private kept = 0;

  constructor(
    private readonly method: string,
    private readonly maxBodyBytes: number,
  ) {}

  push(chunk: Buffer): HttpResponse | undefined {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (!this.head && !this.readHead()) return undefined;
    return this.readBody() ? this.response() : undefined;
  }

  end(): HttpResponse {
    // Closed without a byte of answer: what node:http calls a hang-up, a reset by the server.
    if (!this.head && this.pending.length === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if (!this.head) throw new MalformedResponse('the connection closed before an answer');
    if (this.framing.kind !== 'close') throw new MalformedResponse('the connection closed in the middle of the answer');
    return this.response();
  }

  private readHead(): boolean {
    const end = this.pending.indexOf(HEAD_END);
    if (end === -1) {
      if (this.pending.length > MAX_HEAD_BYTES) throw new MalformedResponse('the answer has no end of headers');
      return false;
    }
    const [statusLine = '', ...lines] = this.pending.subarray(0, end).toString('latin1').split('\r\n');
    this.pending = this.pending.subarray(end + HEAD_END.length);
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
    if (!status) throw new MalformedResponse(`not an HTTP/1.1 answer: ${JSON.stringify(statusLine.slice(0, 40))}`);
    const headers: IncomingHttpHeaders = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MalformedResponse(`bad header line ${JSON.stringify(line.slice(0, 40))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = headers[name];
      if (name === 'set-cookie') headers[name] = [...(previous ?? []), value];
      else headers[name] = previous === undefined ? value : `${String(previous)}, ${value}`;
    }
    const code = Number(status[1]);
    const connection = String(headers.connection ?? '').toLowerCase();
    const persistent = statusLine.startsWith('HTTP/1.1') ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    this.head = { status: code, headers, persistent };
    const length = headers['content-length'];
    if (this.method === 'HEAD' || code === 204 || code === 304 || (code >= 100 && code < 200)) {
      this.framing = { kind: 'length', remaining: 0 };
    } else if (/\bchunked\b/i.test(String(headers['transfer-encoding'] ?? ''))) {
      this.framing = { kind: 'chunked', state: 'size', remaining: 0 };
    } else if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new MalformedResponse(`bad Content-Length ${JSON.stringify(length)}`);
      this.framing = { kind: 'length', remaining: Number(length) };
    }
    return true;
  }

  // Consumes what `pending` holds of the body; true once the body is complete.
  private readBody(): boolean {
    const framing = this.framing;
    if (framing.kind === 'close') {
      this.keep(this.take(this.pending.length));
      return false;
    }
    if (framing.kind === 'length') {
      framing.remaining -= this.keep(this.take(Math.min(framing.remaining, this.pending.length))).length;
      return framing.remaining === 0;
    }
    for (;;) {
      if (framing.state === 'data') {
        framing.remaining -= this.keep(this.take(Math.min(framing.remaining, this.pending.length))).length;
        if (framing.remaining > 0) return false;
        framing.state = 'crlf';
      }
      const lineEnd = this.pending.indexOf(CRLF);
      if (lineEnd === -1) {
        if (this.pending.length > MAX_HEAD_BYTES) throw new MalformedResponse('a chunk line has no end');
        return false;
      }
      const line = this.take(lineEnd + 2)
        .subarray(0, lineEnd)
        .toString('latin1');
      if (framing.state === 'crlf') {
        if (line !== '') throw new MalformedResponse('a chunk is longer than its size');
        framing.state = 'size';
      } else if (framing.state === 'trailers') {
        if (line === '') return true;
      } else {
        const size = /^([0-9a-fA-F]+)(?:;.*)?$/.exec(line.trim());
        if (!size) throw new MalformedResponse(`bad chunk size ${JSON.stringify(line.slice(0, 20))}`);
        framing.remaining = parseInt(size[1] ?? '', 16);
        framing.state = framing.remaining === 0 ? 'trailers' : 'data';
      }
    }
  }

  // After `push` returned the response: whether the connection can carry the next request (the
  // server keeps it open, the answer had a length, and nothing unasked followed it).
  reusable(): boolean {
    return this.head?.persistent === true && this.framing.kind !== 'close' && this.pending.length === 0;
  }

  private take(count: number): Buffer {
    const taken = this.pending.subarray(0, count);
    this.pending = this.pending.subarray(count);
    return taken;
  }

  private keep(bytes: Buffer): Buffer {
    const room = this.maxBodyBytes - this.kept;
    if (room > 0) {
      const part = bytes.subarray(0, room);
      this.body.push(part);
      this.kept += part.length;
    }
    return bytes;
  }

  private response(): HttpResponse {
    const head = this.head ?? { status: 0, headers: {} };
    return { status: head.status, headers: head.headers, body: Buffer.concat(this.body).toString('utf8') };
  }
}
