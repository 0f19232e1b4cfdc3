/**
 * A WebSocket client on a bare TCP socket: it does the handshake, then reads only when told to, so
 * a test can be the client that stops reading (which a WebSocket library never lets you be).
 */
import { connect, type Socket } from 'node:net';

export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

export interface RawWebSocket {
  socket: Socket;
  /** Frames received so far, in order (only parsed while the socket is read). */
  frames: RawFrame[];
  /** Resolves with the first frame, at or after index `from`, that `match` accepts. */
  frameMatching(match: (frame: RawFrame) => boolean, from?: number): Promise<RawFrame>;
}

/** Opens `path` on `port` with a WebSocket handshake and resolves once the server has said 101. */
export function openRawWebSocket(port: number, path: string): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const frames: RawFrame[] = [];
    const waiters = new Set<() => void>();
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    socket.once('error', reject);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`No upgrade: ${head}`));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve({ socket, frames, frameMatching });
      }
      for (;;) {
        const frame = parseFrame(buffer);
        if (!frame) break;
        frames.push(frame.frame);
        buffer = buffer.subarray(frame.size);
      }
      for (const wake of waiters) wake();
    });

    function frameMatching(match: (frame: RawFrame) => boolean, from = 0): Promise<RawFrame> {
      return new Promise((found) => {
        const check = () => {
          const hit = frames.slice(from).find(match);
          if (!hit) return;
          waiters.delete(check);
          found(hit);
        };
        waiters.add(check);
        check();
      });
    }
  });
}

/** One unmasked server frame from the front of `data`, or null when it is not all there yet. */
function parseFrame(data: Buffer): { frame: RawFrame; size: number } | null {
  if (data.length < 2) return null;
  const opcode = (data[0] as number) & 0x0f;
  let length = (data[1] as number) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return null;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return null;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  if (data.length < offset + length) return null;
  return { frame: { opcode, payload: data.subarray(offset, offset + length) }, size: offset + length };
}
