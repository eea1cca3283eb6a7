import { connect } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiverServer, listen, MAX_BODY_BYTES, type ServerTimeouts } from '../../src/receiver/http.js';
import { createIngest } from '../../src/receiver/ingest.js';

// The receiver's HTTP layer on a real 127.0.0.1 server: relay's size limit applies to what a
// body decompresses to, and senders that stall are cut off.
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

async function start(timeouts?: ServerTimeouts): Promise<{ url: string; port: number; rejections: string[] }> {
  const ingest = createIngest();
  const rejections: string[] = [];
  const server = createReceiverServer(
    (request) => ingest.handle(request),
    (status, reason) => rejections.push(`${status} ${reason}`),
    timeouts,
  );
  servers.push(server);
  const port = await listen(server, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, port, rejections };
}

const envelope = `{}\n{"type":"check_in"}\n${JSON.stringify({ monitor_slug: 'zipped', status: 'ok' })}\n`;
const post = (url: string, body: Buffer, encoding: string) =>
  fetch(`${url}/api/1/envelope/?sentry_key=public`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-sentry-envelope', 'content-encoding': encoding },
    body,
  });

// A gzip bomb: a small body of concatenated gzip members (each is 1 MiB of zeros, a kilobyte
// compressed) that decompresses to `mebibytes` MiB.
const bomb = (mebibytes: number) => {
  const member = gzipSync(Buffer.alloc(1024 * 1024));
  return Buffer.concat(Array.from({ length: mebibytes }, () => member));
};

describe('compressed bodies', () => {
  it('are decompressed and accepted', async () => {
    const { url } = await start();
    expect((await post(url, gzipSync(envelope), 'gzip')).status).toBe(200);
  });

  it("are refused with 413 once they decompress past relay's 200 MiB, however small they are", async () => {
    const { url, rejections } = await start();
    const body = bomb(MAX_BODY_BYTES / (1024 * 1024) + 10);
    expect(body.length).toBeLessThan(1024 * 1024);
    const started = performance.now();
    const response = await post(url, body, 'gzip');
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('once decompressed');
    expect(rejections).toEqual([expect.stringMatching(/^413 .*once decompressed/)]);
    // Decompressing stops at the limit; the whole bomb would be far slower. An absurd bound only.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('are refused with 415 in an encoding relay does not know, including names of object properties', async () => {
    const { url } = await start();
    for (const encoding of ['zstd-ish', 'constructor', '__proto__', 'toString']) {
      expect((await post(url, Buffer.from(envelope), encoding)).status, encoding).toBe(415);
    }
  });

  it('are refused with 400 when they are not what they claim to be', async () => {
    const { url } = await start();
    expect((await post(url, Buffer.from(envelope), 'gzip')).status).toBe(400);
    expect((await post(url, gzipSync(envelope).subarray(0, 20), 'gzip')).status).toBe(400);
  });
});

describe('senders that stall', () => {
  const TIMEOUTS = { headersMs: 300, requestMs: 800 };

  // Writes `text` on a raw connection and resolves with what came back once the server closed it.
  function stall(port: number, text: string): Promise<{ answer: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve({ answer, ms: performance.now() - started }));
      setTimeout(() => {
        socket.destroy();
        reject(new Error('the server kept a stalled connection open'));
      }, 15_000);
    });
  }

  it.each([
    ['sending nothing', ''],
    ['stopping in the middle of the headers', 'POST /api/1/envelope/ HTTP/1.1\r\nHost: 127.0.0.1\r\n'],
    ['stopping in the middle of the body', 'POST /api/1/envelope/?sentry_key=public HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{}\n'],
  ])('are cut off when %s', async (_, text) => {
    const { port } = await start(TIMEOUTS);
    const { answer, ms } = await stall(port, text);
    if (text !== '') expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUTS.headersMs - 50);
  });
});
