/**
 * WebSocket frames and handshakes built byte by byte, for the tests that send a server what no
 * well-behaved client would: unmasked frames, bad UTF-8, reserved opcodes, oversized payloads.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

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
