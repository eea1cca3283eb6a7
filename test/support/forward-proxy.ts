import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { connect, type Socket } from 'node:net';

// A forward proxy on 127.0.0.1: CONNECT tunnels (https targets) and absolute-form requests
// (http targets), optionally with Basic auth, over plain HTTP or TLS. It can refuse (403), reset
// or black-hole. Whatever host a request names, it connects to 127.0.0.1 (at the named port):
// names such as sentry.test stand for the local test servers, and nothing else is ever reached.

export type ProxyMode = 'forward' | 'refuse' | 'reset' | 'blackhole';

export interface ProxiedRequest {
  method: string;
  // host:port for CONNECT, the absolute URL otherwise.
  target: string;
  host: string | undefined;
  authorization: string | undefined;
}

export interface TestProxy {
  // http://127.0.0.1:<port> (https:// with `tls`), without credentials.
  url: string;
  // The same with the credentials, when it has some.
  urlWithCredentials: string;
  requests: ProxiedRequest[];
  connections(): number;
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

export async function startForwardProxy(options: { user?: string; password?: string; tls?: { key: string; cert: string } } = {}): Promise<TestProxy> {
  const expected = options.user === undefined ? undefined : `Basic ${Buffer.from(`${options.user}:${options.password ?? ''}`).toString('base64')}`;
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let mode: ProxyMode = 'forward';

  // Undefined when the request may pass; else what to do with it.
  const verdict = (request: IncomingMessage): 'refuse' | 'reset' | 'blackhole' | 'credentials' | undefined => {
    requests.push({
      method: request.method ?? '',
      target: request.url ?? '',
      host: request.headers.host,
      authorization: request.headers['proxy-authorization'],
    });
    if (mode !== 'forward') return mode;
    return expected !== undefined && request.headers['proxy-authorization'] !== expected ? 'credentials' : undefined;
  };
  const refusal = (status: 403 | 407) =>
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Proxy Authentication Required'}\r\n${status === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : ''}Content-Length: 0\r\nConnection: close\r\n\r\n`;

  const handle = (request: IncomingMessage, response: import('node:http').ServerResponse) => {
    const answer = verdict(request);
    if (answer === 'blackhole') return;
    if (answer === 'reset') return void request.socket.resetAndDestroy();
    if (answer) return void request.socket.end(refusal(answer === 'refuse' ? 403 : 407));
    const target = new URL(request.url ?? '');
    const headers = { ...request.headers };
    delete headers['proxy-authorization'];
    const upstream = forward(
      { host: '127.0.0.1', port: Number(target.port) || 80, method: request.method, path: `${target.pathname}${target.search}`, headers },
      (answerFrom) => {
        response.writeHead(answerFrom.statusCode ?? 502, answerFrom.headers);
        answerFrom.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  };
  const server: Server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    client.on('error', () => {});
    const answer = verdict(request);
    if (answer === 'blackhole') return;
    if (answer === 'reset') return void client.resetAndDestroy();
    if (answer) return void client.end(refusal(answer === 'refuse' ? 403 : 407));
    const port = Number(/:(\d+)$/.exec(request.url ?? '')?.[1] ?? 443);
    const upstream = connect({ host: '127.0.0.1', port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
  const scheme = options.tls ? 'https' : 'http';
  const credentials = options.user === undefined ? '' : `${encodeURIComponent(options.user)}:${encodeURIComponent(options.password ?? '')}@`;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    urlWithCredentials: `${scheme}://${credentials}127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    setMode(next) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
