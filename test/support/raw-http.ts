/**
 * Both ends of HTTP/1.1 as bytes on a socket, for the edges no HTTP library will produce or
 * tolerate: interim responses, trailers, answers before the request is read, absolute-form
 * targets, `OPTIONS *`.
 */
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export interface RawUpstream {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1:0 that hands every connection to `onConnection`. */
export async function startRawUpstream(onConnection: (socket: Socket) => void): Promise<RawUpstream> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers each request on the connection with `wire` once its head has arrived (bodies ignored). */
export function answerWith(wire: string | Buffer): (socket: Socket) => void {
  return (socket) => {
    let head = '';
    socket.on('data', (data: Buffer) => {
      head += data.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
        socket.write(wire);
      }
    });
  };
}

/** A client connection that collects everything it receives. */
export interface RawClient {
  readonly socket: Socket;
  /** Everything received so far, as latin1 text. */
  readonly received: string;
  /** Resolves once `received` satisfies `test` (rejects if the connection closes first). */
  until(test: (received: string) => boolean, what: string): Promise<string>;
  /** Resolves with everything received once the server closes the connection. */
  closed(): Promise<string>;
}

/** Opens a TCP connection to `url` (http://host:port) and writes `text` at once. */
export async function rawClient(url: string, text: string | Buffer = ''): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  await once(socket, 'connect');
  let received = '';
  const waiters = new Set<() => void>();
  socket.on('data', (data: Buffer) => {
    received += data.toString('latin1');
    for (const wake of waiters) wake();
  });
  const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  gone.then(() => {
    for (const wake of waiters) wake();
  });
  if (text.length > 0) socket.write(text);
  return {
    socket,
    get received() {
      return received;
    },
    until(test, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (test(received)) {
            waiters.delete(check);
            resolve(received);
          } else if (socket.destroyed) {
            waiters.delete(check);
            reject(new Error(`connection closed before ${what}; received: ${received.slice(0, 500)}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async closed() {
      await gone;
      return received;
    },
  };
}

/** The status codes of every response head in `received`, in order (1xx included). */
export function statusLines(received: string): number[] {
  return [...received.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}
