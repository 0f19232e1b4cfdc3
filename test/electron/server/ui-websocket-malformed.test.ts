/**
 * One malformed frame on the UI WebSocket (unmasked, bad UTF-8, a reserved opcode, over the size
 * limit, a bad close code) is that one client's problem: the server closes it and goes on, the
 * proxy keeps forwarding. Sent over a raw TCP socket to the real UI server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureText } from '../../support/fixtures.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../../support/headless-harness.ts';
import { closed, rawSocket, rawUpgrade, wsFrame } from '../../support/raw-websocket.ts';

let h: HeadlessHarness;
beforeAll(async () => {
  h = await startHeadlessHarness();
});
afterAll(async () => {
  await h.close();
});

const text = (payload: string | Buffer) => Buffer.from(payload);
const closeFrame = (code: number) => {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return payload;
};

const MALFORMED: [string, Buffer][] = [
  ['an unmasked frame', wsFrame({ opcode: 0x1, payload: text('{"hello":1}'), masked: false })],
  ['bad UTF-8 in a text frame', wsFrame({ opcode: 0x1, payload: Buffer.from([0xc3, 0x28, 0xff]) })],
  ['a reserved opcode', wsFrame({ opcode: 0x3, payload: text('x') })],
  ['a reserved bit', wsFrame({ opcode: 0x1, payload: text('x'), rsv: 4 })],
  ['a frame over the size limit', wsFrame({ opcode: 0x2, payload: Buffer.alloc(64 * 1024 + 1) })],
  ['a fragmented control frame', wsFrame({ opcode: 0x9, payload: text('p'), fin: false })],
  ['an invalid close code', wsFrame({ opcode: 0x8, payload: closeFrame(999) })],
  ['a 2^63 length', wsFrame({ opcode: 0x2, payload: Buffer.alloc(0), announcedLength: 2 ** 53 })],
];

/** The proxy still forwards a normal SDK call, byte for byte. */
async function stillForwards(): Promise<void> {
  h.upstream.respond('POST /v1/chat/completions', { body: readFixtureText('openai-chat-nonstream.json') });
  const response = await h.openai.chat.completions
    .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
    .asResponse();
  expect(await response.text()).toBe(readFixtureText('openai-chat-nonstream.json'));
}

describe('malformed frames on the UI WebSocket', () => {
  it.each(MALFORMED)('%s closes that client, and the app keeps serving', async (_, frame) => {
    const socket = await rawUpgrade(h.ui.url, '/api/events', [`Authorization: Bearer ${UI_TOKEN}`]);
    socket.write(frame);
    await closed(socket);
    await stillForwards();
    expect((await h.api('/api/status')).status).toBe(200);
  });

  it('a client that resets the connection mid-handshake or mid-frame changes nothing', async () => {
    const half = await rawSocket(h.ui.url);
    half.on('error', () => {});
    half.write(`GET /api/events HTTP/1.1\r\nHost: ${new URL(h.ui.url).host}\r\nUpgrade: websocket\r\n`);
    half.resetAndDestroy();
    const open = await rawUpgrade(h.ui.url, '/api/events', [`Authorization: Bearer ${UI_TOKEN}`]);
    open.write(wsFrame({ opcode: 0x1, payload: text('{"x":1}') }).subarray(0, 5));
    open.resetAndDestroy();
    await stillForwards();
  });
});
