import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

const CONTINUE_LINE = /^HTTP\/1\.[01] 100[ \r]/;
const A = 65;
const Z = 90;

/**
 * undici's connector, with one addition: a `100 Continue` the upstream sends before its answer
 * although nobody asked for one (Tokentap never sends `Expect`) is dropped before undici reads
 * it. RFC 9110 §15.2 says clients must accept such interim responses; undici instead fails the
 * request ("bad response"), so without this the client would get a 502 for a perfectly good answer.
 */
export function connectorDroppingUnsolicitedContinue(): buildConnector.connector {
  const connect = buildConnector({});
  return (options, callback) =>
    connect(options, (error, socket) => {
      if (socket) dropUnsolicitedContinue(socket);
      callback(error as null, socket as Socket);
    });
}

/**
 * Watches one upstream connection: after each request head undici writes (a latin1 string
 * starting with the method), the first bytes read are the start of a response, and a leading
 * `100 Continue` head there is cut off. One look per request and per read: the hot path stays flat.
 */
function dropUnsolicitedContinue(socket: Socket): void {
  let atResponseStart = false;
  const write = socket.write;
  socket.write = function writeNotingRequestHead(this: Socket, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string') {
      const first = chunk.charCodeAt(0);
      if (first >= A && first <= Z && chunk.includes(' HTTP/1.1\r\n')) atResponseStart = true;
    }
    return (write as (this: Socket, ...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Socket['write'];
  const read = socket.read;
  socket.read = function readDroppingContinue(this: Socket, size?: number): unknown {
    const chunk = read.call(this, size) as Buffer | null;
    if (!atResponseStart || chunk === null || chunk.length === 0) return chunk;
    let rest = chunk;
    while (CONTINUE_LINE.test(rest.toString('latin1', 0, 13))) {
      const end = rest.indexOf('\r\n\r\n');
      // A 100 split across reads is left to undici (which then fails as before): never guess.
      if (end === -1) break;
      rest = rest.subarray(end + 4);
    }
    // Only an empty remainder means the real answer is still to come.
    atResponseStart = rest.length === 0;
    return rest;
  };
}
