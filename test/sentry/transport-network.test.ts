import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../src/sentry/deadline.js';
import { ConnectionPool } from '../../src/sentry/keep-alive.js';
import { ProxyFailure, type Network } from '../../src/sentry/network.js';
import { isTransient } from '../../src/sentry/retry.js';
import { DeliveryTimeout, describeNetworkError, httpRequest, type RequestOptions } from '../../src/sentry/transport.js';
import { makeTestCerts, type TestCerts } from '../support/certs.js';
import { startForwardProxy } from '../support/forward-proxy.js';
import { startSentryServer } from '../support/sentry-server.js';

// httpRequest through real proxies and TLS servers on 127.0.0.1. Names such as sentry.test only
// ever go through the test proxy, which connects to 127.0.0.1.
let certs: TestCerts;
beforeAll(() => {
  certs = makeTestCerts();
});
afterAll(() => certs.cleanup());

const closing: { close(): Promise<void> }[] = [];
afterEach(() => Promise.all(closing.splice(0).map((server) => server.close())));
const keep = <T extends { close(): Promise<void> }>(server: T): T => {
  closing.push(server);
  return server;
};

const trusted = (extra: Partial<Network> = {}): Network => ({ headers: {}, trust: { certFile: certs.caFile }, ...extra });
const viaProxy = (proxy: string, extra: Partial<Network> = {}): Network =>
  trusted({ proxy: { https: { value: proxy, source: 'HTTPS_PROXY' }, http: { value: proxy, source: 'HTTP_PROXY' } }, ...extra });
const get = (url: string, network: Network, options: Partial<RequestOptions> = {}) =>
  httpRequest('GET', url, { headers: {}, body: Buffer.alloc(0), deadline: new Deadline(5000), network, ...options });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const tlsSentry = (cert = certs.server, extra: Parameters<typeof startSentryServer>[0] = {}) => startSentryServer({ tls: cert, ...extra }).then(keep);
const ORG_URL = (port: number, host = '127.0.0.1', scheme = 'https') => `${scheme}://${host}:${port}/api/0/organizations/acme/`;

// A plain node:http server on 127.0.0.1, closed after the test; resolves with its URL.
async function httpServer(handler: RequestListener, onConnection: () => void = () => {}): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  server.on('connection', onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  keep({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, server };
}

describe('through a forward proxy', () => {
  it('tunnels https with CONNECT and Basic auth, then TLS with the target name as SNI', async () => {
    const sentry = await tlsSentry();
    const proxy = keep(await startForwardProxy({ user: 'cron', password: 'hunter2' }));
    const response = await get(ORG_URL(sentry.port, 'sentry.test'), viaProxy(proxy.urlWithCredentials), {
      headers: { Authorization: `Bearer ${sentry.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.via).toBe(`proxy http://***@127.0.0.1:${new URL(proxy.url).port} (HTTPS_PROXY)`);
    expect(proxy.requests).toEqual([
      {
        method: 'CONNECT',
        target: `sentry.test:${sentry.port}`,
        host: `sentry.test:${sentry.port}`,
        authorization: `Basic ${Buffer.from('cron:hunter2').toString('base64')}`,
      },
    ]);
    expect(sentry.serverNames).toEqual(['sentry.test']);
  });

  it('sends http requests in absolute form, with the credentials for the proxy only', async () => {
    const sentry = keep(await startSentryServer());
    const proxy = keep(await startForwardProxy({ user: 'cron', password: 'hunter2' }));
    const url = `http://sentry.test:${sentry.port}/api/0/organizations/acme/?x=1`;
    expect((await get(url, viaProxy(proxy.urlWithCredentials), { headers: { Authorization: `Bearer ${sentry.token}` } })).status).toBe(200);
    expect(proxy.requests.map((r) => [r.method, r.target])).toEqual([['GET', url]]);
    expect(sentry.api.requests.map((r) => r.path)).toEqual(['/api/0/organizations/acme/?x=1']);
  });

  it('talks TLS to an https:// proxy, and TLS inside its tunnel', async () => {
    const sentry = await tlsSentry();
    const proxy = keep(await startForwardProxy({ tls: certs.server }));
    const response = await get(ORG_URL(sentry.port, 'sentry.test'), viaProxy(proxy.url), { headers: { Authorization: `Bearer ${sentry.token}` } });
    expect(response.status).toBe(200);
    expect(proxy.requests.map((r) => r.method)).toEqual(['CONNECT']);
  });

  it('names the proxy, masked, when it refuses, resets or asks for credentials', async () => {
    const sentry = await tlsSentry();
    const proxy = keep(await startForwardProxy({ user: 'cron', password: 'hunter2' }));
    const shown = `proxy http://***@127.0.0.1:${new URL(proxy.url).port} (HTTPS_PROXY)`;
    const url = ORG_URL(sentry.port, 'sentry.test');
    const wrong = proxy.urlWithCredentials.replace('hunter2', 'wrong');
    expect(describeNetworkError(await failure(get(url, viaProxy(wrong))), 'h')).toBe(`${shown} refused its credentials (407)`);
    expect(describeNetworkError(await failure(get(url, viaProxy(proxy.url))), 'h')).toBe(
      `proxy http://127.0.0.1:${new URL(proxy.url).port} (HTTPS_PROXY) asks for credentials (407): put them in the proxy URL, http://user:password@host:port`,
    );
    // Absolute form: the 407 comes as the answer to the request itself.
    const plain = await failure(get(`http://sentry.test:${sentry.port}/`, viaProxy(wrong)));
    expect(plain).toBeInstanceOf(ProxyFailure);
    proxy.setMode('refuse');
    expect(describeNetworkError(await failure(get(url, viaProxy(proxy.urlWithCredentials))), 'h')).toBe(
      `${shown} refused the connection to sentry.test:${sentry.port} (403)`,
    );
    proxy.setMode('reset');
    const reset = await failure(get(url, viaProxy(proxy.urlWithCredentials)));
    expect(describeNetworkError(reset, 'h')).toBe(`connection reset by ${shown}`);
    expect(isTransient(reset)).toBe(true);
    for (const error of [plain, reset]) expect(JSON.stringify(describeNetworkError(error, 'h'))).not.toContain('hunter2');
  });

  it('gives up on a black-holed proxy at the deadline, naming it', async () => {
    const proxy = keep(await startForwardProxy());
    proxy.setMode('blackhole');
    const error = await failure(get('https://sentry.test:1/', viaProxy(proxy.url), { deadline: new Deadline(300) }));
    expect(error).toBeInstanceOf(DeliveryTimeout);
    expect(describeNetworkError(error, 'h')).toBe(`no answer from proxy ${proxy.url} (HTTPS_PROXY) within 300ms`);
  });
});

describe('keep-alive', () => {
  it('sends every request of a command over one connection per host', async () => {
    const sentry = await tlsSentry();
    const pool = new ConnectionPool();
    for (let i = 0; i < 12; i++) {
      const response = await get(ORG_URL(sentry.port), trusted(), { pool, headers: { Authorization: `Bearer ${sentry.token}` } });
      expect(response.status).toBe(200);
    }
    expect(sentry.connections()).toBe(1);
  });

  it('keeps the tunnel through the proxy, too', async () => {
    const sentry = await tlsSentry();
    const proxy = keep(await startForwardProxy());
    const pool = new ConnectionPool();
    for (let i = 0; i < 3; i++) expect((await get(ORG_URL(sentry.port, 'sentry.test'), viaProxy(proxy.url), { pool })).status).toBe(401);
    expect(proxy.connections()).toBe(1);
    expect(proxy.requests).toHaveLength(1);
  });

  it('opens a new connection when the server closed the idle one, or answered Connection: close', async () => {
    let connections = 0;
    let requests = 0;
    const { url, server } = await httpServer(
      (_request, response) => {
        requests++;
        // Every second answer closes the connection.
        response.writeHead(200, requests % 2 === 0 ? { Connection: 'close' } : {}).end('ok');
      },
      () => connections++,
    );
    const pool = new ConnectionPool();
    for (let i = 0; i < 4; i++) expect((await get(url, { headers: {} }, { pool })).body).toBe('ok');
    expect(connections).toBe(2);
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await get(url, { headers: {} }, { pool })).body).toBe('ok');
    expect(connections).toBe(3);
  });
});

describe('one deadline', () => {
  it('gives a request in flight the time of a deadline restarted before it ran out', async () => {
    const deadline = new Deadline(1000);
    // Restarted at 600 ms, so it ends near 1600 ms; the answer comes at 1200 ms, after the first
    // 1000 ms. Timers fire in the order they are due, however loaded the machine is.
    const { url } = await httpServer((_request, response) => {
      setTimeout(() => deadline.restart(), 600);
      setTimeout(() => response.end('late but in time'), 1200);
    });
    const response = await get(url, { headers: {} }, { deadline });
    expect(response.body).toBe('late but in time');
  });
});

describe('trust', () => {
  const tlsFailure = async (cert: { key: string; cert: string }, network: Network) => {
    const sentry = await tlsSentry(cert);
    return describeNetworkError(await failure(get(ORG_URL(sentry.port), network)), `127.0.0.1:${sentry.port}`);
  };

  it('trusts a private CA from SSL_CERT_FILE, from SSL_CERT_DIR, and NODE_EXTRA_CA_CERTS beside them', async () => {
    const sentry = await tlsSentry();
    const other = join(certs.dir, 'other-ca.pem');
    writeFileSync(other, certs.selfSigned.cert);
    for (const trust of [{ certFile: certs.caFile }, { certDir: `/nonexistent:${certs.dir}` }, { certFile: other, nodeExtraCaCerts: certs.caFile }]) {
      expect((await get(ORG_URL(sentry.port), { headers: {}, trust })).status).toBe(401);
    }
  });

  it('says in one line what is wrong with a certificate and how to fix it', async () => {
    const port = (text: string) => text.replace(/:\d+/g, ':PORT');
    expect(port(await tlsFailure(certs.server, { headers: {} }))).toBe(
      'the certificate of 127.0.0.1:PORT is signed by an unknown CA; trust its CA with SSL_CERT_FILE=/path/ca.pem or NODE_EXTRA_CA_CERTS=/path/ca.pem',
    );
    expect(port(await tlsFailure(certs.selfSigned, trusted()))).toBe(
      'the certificate of 127.0.0.1:PORT is self-signed; trust it with SSL_CERT_FILE=/path/cert.pem or NODE_EXTRA_CA_CERTS=/path/cert.pem',
    );
    expect(port(await tlsFailure(certs.expired, trusted()))).toBe(
      "the certificate of 127.0.0.1:PORT has expired; it must be renewed on the server (or this machine's clock is wrong)",
    );
    expect(port(await tlsFailure(certs.wrongHost, trusted()))).toBe(
      'the certificate of 127.0.0.1:PORT is for another host (DNS:other.test); use a host name it names in the DSN or --url',
    );
  });

  it('notes a CA file that could not be read', async () => {
    const text = await tlsFailure(certs.server, { headers: {}, trust: { certFile: '/nonexistent/ca.pem' } });
    expect(text).toMatch(/signed by an unknown CA; .* \(note: SSL_CERT_FILE \/nonexistent\/ca\.pem could not be read \(ENOENT\)\)$/);
  });

  it('treats a TLS handshake cut short as transient', async () => {
    const sentry = await tlsSentry(certs.server, { resetConnections: 1 });
    const error = await failure(get(ORG_URL(sentry.port), trusted()));
    expect(isTransient(error)).toBe(true);
    expect((await get(ORG_URL(sentry.port), trusted())).status).toBe(401);
  });
});

describe('extra headers', () => {
  it("go with every request, after cronmon's own", async () => {
    let seen: IncomingHttpHeaders = {};
    const { url } = await httpServer((request, response) => {
      seen = request.headers;
      response.end();
    });
    await get(url, { headers: { 'CF-Access-Client-Id': 'id', 'User-Agent': 'custom' } }, { headers: { Accept: 'application/json' } });
    expect(seen).toMatchObject({ 'cf-access-client-id': 'id', 'user-agent': 'custom', accept: 'application/json' });
  });
});
