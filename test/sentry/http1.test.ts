import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedResponse, ResponseReader, formatRequest, type HttpResponse } from '../../src/sentry/http1.js';

// Feeds the bytes in the given pieces; the response once complete, or at the end of the stream.
function read(pieces: Buffer[], { method = 'POST', limit = 1 << 20, closes = true } = {}): HttpResponse | undefined {
  const reader = new ResponseReader(method, limit);
  for (const piece of pieces) {
    const response = reader.push(piece);
    if (response) return response;
  }
  return closes ? reader.end() : undefined;
}

const splitAt = (bytes: Buffer, cuts: number[]) => {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(last, point));
    last = point;
  }
  return pieces.filter((piece) => piece.length > 0);
};

const chunked = (body: string, sizes: number[]) => {
  let out = '';
  let rest = body;
  for (const size of sizes) {
    if (rest === '') break;
    const part = rest.slice(0, Math.max(1, size));
    rest = rest.slice(part.length);
    out += `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`;
  }
  if (rest !== '') out += `${Buffer.byteLength(rest).toString(16)}\r\n${rest}\r\n`;
  return `${out}0\r\n\r\n`;
};

describe('ResponseReader', () => {
  it('reads a Content-Length answer however the bytes arrive, without waiting for the close', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.nat(), { maxLength: 8 }), (body, cuts) => {
        const bytes = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        expect(read(splitAt(bytes, cuts), { closes: false })).toEqual({
          status: 200,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
          body,
        });
      }),
    );
  });

  it('reads a chunked answer however it is chunked and split', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (body, sizes, cuts) => {
        const bytes = Buffer.from(`HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nRetry-After: 60\r\n\r\n${chunked(body, sizes)}`);
        const response = read(splitAt(bytes, cuts), { closes: false });
        expect(response).toMatchObject({ status: 429, body });
        expect(response?.headers['retry-after']).toBe('60');
      }),
    );
  });

  it('reads to the close when the answer has no length', () => {
    expect(read([Buffer.from('HTTP/1.0 200 OK\r\nX: 1\r\n\r\nabc'), Buffer.from('def')])).toMatchObject({ status: 200, body: 'abcdef' });
  });

  it('knows that 204, 304 and HEAD answers have no body', () => {
    expect(read([Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')], { closes: false })).toMatchObject({ status: 204, body: '' });
    expect(read([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n')], { method: 'HEAD', closes: false })).toMatchObject({ status: 200 });
  });

  it('keeps only the first bytes of a large body', () => {
    const response = read([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789')], { limit: 4, closes: false });
    expect(response?.body).toBe('0123');
  });

  it('joins repeated headers and keeps set-cookie apart', () => {
    const response = read([Buffer.from('HTTP/1.1 200 OK\r\nLink: <a>\r\nlink: <b>\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n')], {
      closes: false,
    });
    expect(response?.headers).toMatchObject({ link: '<a>, <b>', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('reports a close without any answer as a reset, as node:http does', () => {
    expect(() => read([])).toThrow(expect.objectContaining({ code: 'ECONNRESET' }));
  });

  it.each([
    ['not HTTP', ['SSH-2.0-OpenSSH\r\n\r\n']],
    ['a bad header line', ['HTTP/1.1 200 OK\r\nnocolon\r\n\r\n']],
    ['a bad chunk size', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']],
    ['a close before the whole body', ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc']],
    ['a close before any answer', ['HTTP/1.1 200']],
  ])('refuses %s', (_, pieces) => {
    expect(() => read(pieces.map((piece) => Buffer.from(piece)))).toThrow(MalformedResponse);
  });
});

describe('formatRequest', () => {
  it('writes the request line, Host with a non-default port, the length and Connection: close', () => {
    const bytes = formatRequest(
      'POST',
      new URL('http://127.0.0.1:9000/api/1/envelope/?sentry_key=k'),
      { 'Content-Type': 'application/x-sentry-envelope' },
      Buffer.from('{}'),
    );
    expect(bytes.toString()).toBe(
      'POST /api/1/envelope/?sentry_key=k HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nContent-Type: application/x-sentry-envelope\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );
    expect(formatRequest('GET', new URL('https://sentry.io/api/0/'), {}, Buffer.alloc(0)).toString()).toContain('Host: sentry.io\r\n');
  });

  it('writes the absolute form a forward proxy takes, and leaves out Connection: close for keep-alive', () => {
    const bytes = formatRequest('GET', new URL('http://sentry.test:9000/api/0/?cursor=1#frag'), {}, Buffer.alloc(0), { absoluteForm: true, keepAlive: true });
    expect(bytes.toString()).toBe('GET http://sentry.test:9000/api/0/?cursor=1 HTTP/1.1\r\nHost: sentry.test:9000\r\nContent-Length: 0\r\n\r\n');
  });
});

describe('ResponseReader.reusable', () => {
  const complete = (text: string, method = 'GET') => {
    const reader = new ResponseReader(method, 1024);
    const response = reader.push(Buffer.from(text));
    expect(response).toBeDefined();
    return reader.reusable();
  };

  it('lets an HTTP/1.1 answer with a length or chunks carry the next request', () => {
    expect(complete('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')).toBe(true);
    expect(complete('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')).toBe(true);
    expect(complete('HTTP/1.1 204 No Content\r\n\r\n')).toBe(true);
    expect(complete('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')).toBe(true);
  });

  it('not when the server closes it, speaks HTTP/1.0, or sent more than was asked', () => {
    expect(complete('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok')).toBe(false);
    expect(complete('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok')).toBe(false);
    expect(complete('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n')).toBe(false);
  });
});
