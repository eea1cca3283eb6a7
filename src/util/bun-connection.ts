import { EventEmitter } from 'node:events';
import type { LookupFunction } from 'node:net';

// A TCP or TLS connection over Bun's own sockets (Bun.connect), for the single executable: Bun's
// node:net costs about 13 ms on first use (loading it, then its first connection), its own
// sockets about 1 ms, and cronmon connects once or twice per run. It gives what cronmon uses of
// a net.Socket: 'data', 'end' and 'error' events, write() (queued until connected, and past
// what the kernel takes at once) and destroy().

interface BunSocket {
  write(data: Uint8Array): number;
  terminate(): void;
}

interface SocketHandlers {
  open(socket: BunSocket): void;
  data(socket: BunSocket, data: Buffer): void;
  drain(socket: BunSocket): void;
  end(socket: BunSocket): void;
  error(socket: BunSocket, error: Error): void;
  connectError(socket: BunSocket, error: Error): void;
  handshake(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}

export type BunConnect = (options: { hostname: string; port: number; tls?: boolean | { serverName: string }; socket: SocketHandlers }) => Promise<BunSocket>;

export interface ConnectOptions {
  host: string;
  port: number;
  secure: boolean;
  lookup: LookupFunction;
}

export const isIpAddress = (host: string): boolean => host.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(host);

export class BunConnection extends EventEmitter {
  #socket: BunSocket | undefined;
  #queue: Buffer[] = [];
  #finished = false;

  constructor(connect: BunConnect, options: ConnectOptions) {
    super();
    const start = (address: string) => {
      const handlers: SocketHandlers = {
        open: (socket) => {
          this.#socket = socket;
          if (this.#finished) socket.terminate();
          else if (!options.secure) this.#flush();
        },
        // With TLS, the request goes out once the server has proved who it is.
        handshake: (socket, success, authorizationError) => {
          if (success && authorizationError === null) this.#flush();
          else this.#fail(authorizationError ?? new Error('TLS handshake failed'));
        },
        data: (_socket, data) => {
          if (!this.#finished) this.emit('data', data);
        },
        drain: () => this.#flush(),
        end: () => {
          if (!this.#finished) this.emit('end');
        },
        error: (_socket, error) => this.#fail(error),
        connectError: (_socket, error) => this.#fail(error),
      };
      const tls = options.secure ? (isIpAddress(options.host) ? true : { serverName: options.host }) : undefined;
      connect({ hostname: address, port: options.port, ...(tls === undefined ? {} : { tls }), socket: handlers }).catch((error: Error) => this.#fail(error));
    };
    if (isIpAddress(options.host)) {
      queueMicrotask(() => start(options.host));
      return;
    }
    options.lookup(options.host, {}, (error, address) => {
      if (error) this.#fail(error);
      else if (!this.#finished) start(typeof address === 'string' ? address : (address[0]?.address ?? options.host));
    });
  }

  write(data: Buffer): boolean {
    this.#queue.push(data);
    this.#flush();
    return true;
  }

  destroy(): void {
    this.#finished = true;
    this.#queue = [];
    this.#socket?.terminate();
  }

  #flush(): void {
    const socket = this.#socket;
    if (socket === undefined || this.#finished) return;
    for (let chunk = this.#queue[0]; chunk !== undefined; chunk = this.#queue[0]) {
      const written = Math.max(0, socket.write(chunk));
      if (written < chunk.byteLength) {
        // The rest goes out on 'drain'.
        this.#queue[0] = chunk.subarray(written);
        return;
      }
      this.#queue.shift();
    }
  }

  #fail(error: Error): void {
    if (this.#finished) return;
    this.destroy();
    this.emit('error', error);
  }
}
