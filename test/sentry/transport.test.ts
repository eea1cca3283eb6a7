import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Deadline } from '../../src/sentry/deadline.js';
import { DeliveryTimeout, describeNetworkError, httpRequest } from '../../src/sentry/transport.js';

// httpRequest against real servers on 127.0.0.1: node's own HTTP server, and raw sockets that
// answer in ways node's server never would.
const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve)))));

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
}

const raw = (answer: (data: string) => string | undefined) =>
  createServer((socket) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (!received.includes('\r\n\r\n')) return;
      const reply = answer(received);
      if (reply !== undefined) socket.end(reply);
    });
    socket.on('error', () => {});
  });

const post = (url: string, timeoutMs = 5000) =>
  httpRequest('POST', `${url}/api/1/envelope/`, { headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('hello'), deadline: new Deadline(timeoutMs) });

describe('httpRequest', () => {
  it("talks to node's HTTP server: method, path, headers and body arrive, the answer comes back", async () => {
    let seen: { method?: string | undefined; url?: string | undefined; headers?: Record<string, unknown>; body?: string } = {};
    const server = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = { method: request.method, url: request.url, headers: request.headers, body };
        response.writeHead(200, { 'Content-Type': 'application/json', 'X-Sentry-Rate-Limits': '60:monitor:project' }).end('{"id":"x"}');
      });
    });
    const url = await listen(server);
    const response = await post(url);
    expect(response).toMatchObject({ status: 200, body: '{"id":"x"}', headers: { 'x-sentry-rate-limits': '60:monitor:project' } });
    expect(seen).toMatchObject({
      method: 'POST',
      url: '/api/1/envelope/',
      body: 'hello',
      headers: { 'content-type': 'text/plain', 'user-agent': 'cronmon/0.1.0' },
    });
  });

  it('reads a chunked answer from a server that keeps the connection open', async () => {
    const keepsOpen = createServer((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"det\r\nb\r\nail":"bad"}\r\n0\r\n\r\n'));
      socket.on('error', () => {});
    });
    const openUrl = await listen(keepsOpen);
    await expect(post(openUrl)).resolves.toMatchObject({ status: 400, body: '{"detail":"bad"}' });
  });

  it('gives up at the deadline when the server never answers', async () => {
    const url = await listen(raw(() => undefined));
    await expect(post(url, 300)).rejects.toBeInstanceOf(DeliveryTimeout);
  });

  it('says so when the answer is not HTTP', async () => {
    const url = await listen(raw(() => 'SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const error = await post(url).catch((caught: unknown) => caught);
    expect(describeNetworkError(error, '127.0.0.1')).toMatch(/^unreadable answer from 127\.0\.0\.1: not an HTTP\/1\.1 answer/);
  });

  it('reports a reset and a refused connection', async () => {
    const resetting = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const url = await listen(resetting);
    expect(describeNetworkError(await post(url).catch((caught: unknown) => caught), 'h')).toBe('connection reset by h');
    const closed = await listen(createServer());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(describeNetworkError(await post(closed).catch((caught: unknown) => caught), 'h')).toBe('connection refused by h');
  });
});
