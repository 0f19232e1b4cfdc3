/**
 * Replay of a WebSocket session: one is recorded through the real proxy from a real `ws`
 * upstream, then a replaying Tokentap (the upstream gone) answers a raw `ws` client with it: the
 * recorded subprotocol, the server messages in order (text as text, binary as binary), each only
 * after the client message it followed, at the recorded pace or at once, the recorded close; a
 * miss gets the HTTP path's 404, a different first message a clean close with a reason.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RawData, WebSocket } from 'ws';
import { REPLAY_MISS_ERROR } from '../../../shared/contract/tokentap-headers.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { startHarness } from '../../support/tokentap-harness.ts';
import { startWebSocketUpstream } from '../../support/websocket-upstream.ts';
import { type ReplayHarness, startReplayHarness } from './replay-support.ts';

const PATH = '/v1/realtime?model=gpt-realtime';
const FIRST = { type: 'session.update', session: { modalities: ['text'], instructions: 'Be brief.' } };
/** The upstream waits this long between its first and second answer to the first message. */
const GAP_MS = 250;
const BINARY = Buffer.from([0, 1, 2, 250, 251, 252]);

interface Received {
  text: string;
  binary: boolean;
  at: number;
}

let recording: ExchangeRecord;

beforeAll(async () => {
  const upstream = await startWebSocketUpstream((ws) => {
    ws.send('hello');
    let count = 0;
    ws.on('message', () => {
      count++;
      if (count === 1) {
        ws.send(JSON.stringify({ type: 'm1' }));
        setTimeout(() => {
          ws.send(BINARY);
          ws.send(JSON.stringify({ type: 'm3' }));
        }, GAP_MS);
      } else if (count === 2) {
        ws.send('after-next');
        ws.close(4000, 'done here');
      }
    });
  });
  const h = await startHarness({ upstreamUrl: upstream.url });
  try {
    const session = runClient(new WebSocket(`${h.proxyUrl.replace('http:', 'ws:')}${PATH}`, ['realtime']));
    await session.closed;
    recording = await h.nextRecord();
  } finally {
    await h.close();
    await upstream.close();
  }
}, 20_000);

/**
 * A client that speaks as the recorded one: after `hello` it pings the proxy and, once the pong is
 * back, sends its first message; after `m3` it sends `next`. It logs everything in order.
 */
function runClient(ws: WebSocket, first: unknown = FIRST) {
  const log: string[] = [];
  const received: Received[] = [];
  let sentFirstAt = 0;
  let sentNextAt = 0;
  ws.on('pong', () => {
    log.push('pong');
    sentFirstAt = performance.now();
    log.push('sent:first');
    ws.send(JSON.stringify(first));
  });
  ws.on('message', (data: RawData, binary: boolean) => {
    const text = binary ? (data as Buffer).toString('hex') : (data as Buffer).toString('utf8');
    received.push({ text, binary, at: performance.now() });
    log.push(`got:${text}`);
    if (text === 'hello') ws.ping();
    if (text.includes('m3')) {
      sentNextAt = performance.now();
      log.push('sent:next');
      ws.send('next');
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { ws, log, received, closed, sentFirstAt: () => sentFirstAt, sentNextAt: () => sentNextAt };
}

const EXPECTED_LOG = [
  'got:hello',
  'pong',
  'sent:first',
  'got:{"type":"m1"}',
  `got:${BINARY.toString('hex')}`,
  'got:{"type":"m3"}',
  'sent:next',
  'got:after-next',
];

let r: ReplayHarness | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

function wsUrl(h: ReplayHarness, path = PATH): string {
  return `${h.proxyUrl.replace('http:', 'ws:')}${path}`;
}

describe('WebSocket replay', () => {
  it('recorded the session it replays', () => {
    expect(recording.status).toBe(101);
    expect(recording.websocket?.messages.map((m) => m.from)).toEqual([
      'server',
      'client',
      'server',
      'server',
      'server',
      'client',
      'server',
    ]);
    expect(recording.websocket?.close).toMatchObject({ code: 4000, reason: 'done here', by: 'server' });
  });

  it('plays the server messages in order, each after its trigger, at the recorded pace, and the recorded close', async () => {
    r = await startReplayHarness([recording], { speed: 1 });
    const client = runClient(new WebSocket(wsUrl(r), ['realtime']));
    await new Promise<void>((resolve) => client.ws.once('open', () => resolve()));
    expect(client.ws.protocol).toBe('realtime');
    expect(await client.closed).toEqual({ code: 4000, reason: 'done here' });
    // Nothing of the first answer before the client's first message (the pong came back first).
    expect(client.log).toEqual(EXPECTED_LOG);
    expect(client.received.map((m) => m.binary)).toEqual([false, false, true, false, false]);
    // The binary message came GAP_MS after the trigger, as recorded (timers are never early).
    const messages = recording.websocket?.messages ?? [];
    const recordedGap = (messages[3]?.t ?? 0) - (messages[1]?.t ?? 0);
    expect(recordedGap).toBeGreaterThanOrEqual(GAP_MS - 5);
    const binaryAt = client.received[2]?.at ?? 0;
    expect(binaryAt - client.sentFirstAt()).toBeGreaterThanOrEqual(recordedGap - 1);
    expect(r.responder.status()).toMatchObject({ served: 1, misses: 0, recordings: 1 });
    // Captured like live traffic, linked to the recording.
    const replayed = await r.nextRecord();
    expect(replayed.replayOf).toBe(recording.id);
    expect(replayed.status).toBe(101);
    expect(replayed.websocket?.messages.map((m) => [m.from, m.data])).toEqual(
      recording.websocket?.messages.map((m) => [m.from, m.data]),
    );
    expect(replayed.websocket?.close).toMatchObject({ code: 4000, by: 'server' });
  });

  it('speed 0 sends each answer at once, still after its trigger', async () => {
    // Recorded 10 s after the first answer: "at once" is then far from any pace, even on a loaded machine.
    const LATE_MS = 10_000;
    const { messages, close } = recording.websocket as NonNullable<ExchangeRecord['websocket']>;
    const lateFrom = messages.findIndex((m) => m.encoding === 'base64');
    const late: ExchangeRecord = {
      ...recording,
      websocket: {
        messages: messages.map((m, i) => (i >= lateFrom ? { ...m, t: m.t + LATE_MS } : m)),
        close: close && { ...close, t: close.t + LATE_MS },
      },
    };
    r = await startReplayHarness([late], { speed: 0 });
    const client = runClient(new WebSocket(wsUrl(r), ['realtime']));
    await client.closed;
    expect(client.log).toEqual(EXPECTED_LOG);
    const binaryAt = client.received[2]?.at ?? 0;
    expect(binaryAt - client.sentFirstAt()).toBeLessThan(LATE_MS / 2);
  });

  it('a WebSocket nothing recorded gets the replay-miss 404', async () => {
    r = await startReplayHarness([recording]);
    const ws = new WebSocket(wsUrl(r, '/v1/responses'));
    const answer = await new Promise<{ status: number; replay: unknown; body: string }>((resolve) => {
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, replay: res.headers['x-tokentap-replay'], body }),
        );
      });
    });
    ws.on('error', () => undefined);
    expect(answer.status).toBe(404);
    expect(answer.replay).toBe('miss');
    const error = (JSON.parse(answer.body) as { error: { type: string; code: string; message: string } })
      .error;
    expect(error).toMatchObject(REPLAY_MISS_ERROR);
    expect(error.message).toContain('GET /v1/realtime?model=gpt-realtime');
    expect(r.responder.status()).toMatchObject({ served: 0, misses: 1 });
    const missed = await r.nextRecord();
    expect(missed).toMatchObject({ status: 404, replayOf: 'miss', path: '/v1/responses' });
  });

  it('with fallthrough, a missed upgrade is relayed to the upstream and counted as a miss', async () => {
    const upstream = await startWebSocketUpstream((ws) =>
      ws.on('message', (data) => ws.send(`echo ${data}`)),
    );
    try {
      r = await startReplayHarness([recording], { fallthrough: true }, { upstreamUrl: upstream.url });
      const ws = new WebSocket(wsUrl(r, '/v1/responses'));
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      const echoed = new Promise<string>((resolve) =>
        ws.once('message', (data: RawData) => resolve(String(data))),
      );
      ws.send('hi');
      expect(await echoed).toBe('echo hi');
      expect(upstream.handshakes.map((req) => req.url)).toEqual(['/v1/responses']);
      expect(r.responder.status()).toMatchObject({ served: 0, misses: 1 });
      ws.close();
    } finally {
      await r?.close();
      r = undefined;
      await upstream.close();
    }
  });

  it('a first message other than the recorded one gets a clean close with a reason', async () => {
    const misses: string[] = [];
    r = await startReplayHarness([recording], { onMiss: (m) => misses.push(m) });
    const client = runClient(new WebSocket(wsUrl(r), ['realtime']), { type: 'session.update', session: {} });
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('first message differs from the recording');
    expect(client.log).toEqual(['got:hello', 'pong', 'sent:first']);
    expect(misses.join('\n')).toContain(recording.id);
  });

  it('the same first message with its keys in another order matches (compared as JSON)', async () => {
    r = await startReplayHarness([recording], { speed: 0 });
    const reordered = {
      session: { instructions: 'Be brief.', modalities: ['text'] },
      type: 'session.update',
    };
    const client = runClient(new WebSocket(wsUrl(r), ['realtime']), reordered);
    await client.closed;
    expect(client.log).toEqual(EXPECTED_LOG);
  });

  it('a recording whose messages cannot be played answers 500, and the replay goes on', async () => {
    const broken = {
      ...recording,
      id: 'broken',
      websocket: { messages: 'nope', close: null },
    } as unknown as ExchangeRecord;
    const errors: string[] = [];
    r = await startReplayHarness([broken], { onError: (m) => errors.push(m) });
    const ws = new WebSocket(wsUrl(r));
    ws.on('error', () => undefined);
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(500);
    expect(errors.join('\n')).toContain('broken');
    await vi.waitFor(async () => expect((await fetch(`${r?.proxyUrl}/v1/models`)).status).toBe(404), {
      timeout: 5000,
    });
  });
});
