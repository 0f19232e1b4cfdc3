/**
 * WebSocket on a bare TCP socket, for tests that act as no WebSocket library lets them: a client
 * that stops reading (openRawWebSocket), and frames and handshakes built byte by byte that no
 * well-behaved client sends (unmasked frames, bad UTF-8, reserved opcodes, oversized payloads).
 */
import { randomBytes } from 'node:crypto';
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

export interface FrameOptions {
  /** 0x1 text, 0x2 binary, 0x8 close, 0x9 ping; 0x3-0x7 and 0xb-0xf are reserved. */
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  /** Clients must mask; false sends the frame unmasked. */
  masked?: boolean;
  /** RSV1-3 bits (must be 0 without an extension). */
  rsv?: number;
  /** Announce this payload length instead of the true one (a lie, for truncation). */
  announcedLength?: number;
}

/** One frame's bytes. */
export function wsFrame(options: FrameOptions): Buffer {
  const { opcode, payload } = options;
  const masked = options.masked ?? true;
  const length = options.announcedLength ?? payload.length;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (((options.rsv ?? 0) & 7) << 4) | (opcode & 0x0f);
  let head: Buffer;
  if (length < 126) head = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  else if (length < 65536) {
    head = Buffer.alloc(4);
    head[0] = first;
    head[1] = (masked ? 0x80 : 0) | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = (masked ? 0x80 : 0) | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([head, mask, body]);
}

/** The handshake request's bytes for `path` on `host`, with extra header lines. */
export function wsHandshake(host: string, path: string, extra: string[] = []): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...extra,
    '',
    '',
  ].join('\r\n');
}

/** A raw TCP socket to `url`'s host; it never throws (errors end it). */
export function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Opens a WebSocket by hand: resolves with the socket once the server answered 101. */
export async function rawUpgrade(url: string, path: string, extra: string[] = []): Promise<Socket> {
  const socket = await rawSocket(url);
  socket.on('error', () => {});
  socket.write(wsHandshake(new URL(url).host, path, extra));
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (text.startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(`no upgrade: ${text.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed before the upgrade: ${text}`)));
  });
}

/** Resolves once the server has closed (or reset) the socket. */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
    socket.resume();
  });
}
