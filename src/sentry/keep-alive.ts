import type { Socket } from 'node:net';

// Idle HTTP/1.1 connections of one command, by host (and proxy): the REST API's region lookup,
// every page of `monitors list` and every monitor of an upsert share one TCP and TLS handshake.
// An idle socket does not keep the process alive, and is dropped as soon as the server closes
// it or sends anything unasked.
export class ConnectionPool {
  private readonly idle = new Map<string, { socket: Socket; drop: () => void }[]>();

  take(key: string): Socket | undefined {
    for (let entry = this.idle.get(key)?.pop(); entry; entry = this.idle.get(key)?.pop()) {
      entry.socket.off('data', entry.drop).off('end', entry.drop).off('close', entry.drop);
      if (entry.socket.destroyed || !entry.socket.writable) continue;
      entry.socket.ref();
      return entry.socket;
    }
    return undefined;
  }

  give(key: string, socket: Socket): void {
    const list = this.idle.get(key) ?? [];
    this.idle.set(key, list);
    const entry = {
      socket,
      drop: () => {
        const index = list.indexOf(entry);
        if (index !== -1) list.splice(index, 1);
        socket.destroy();
      },
    };
    socket.on('data', entry.drop).on('end', entry.drop).on('close', entry.drop);
    socket.unref();
    list.push(entry);
  }
}
