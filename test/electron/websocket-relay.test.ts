import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RawData, WebSocket } from 'ws';
import { type Harness, startHarness, TEST_API_KEY } from '../support/tokentap-harness.ts';
import {
  playScript,
  readWebSocketRecording,
  startWebSocketUpstream,
  type WebSocketUpstream,
} from '../support/websocket-upstream.ts';

let harness: Harness | undefined;
let upstream: WebSocketUpstream | undefined;

afterEach(async () => {
  await harness?.close();
  await upstream?.close();
  harness = undefined;
  upstream = undefined;
});

async function start(onConnection: (ws: WebSocket, req: IncomingMessage) => void): Promise<Harness> {
  upstream = await startWebSocketUpstream(onConnection);
  harness = await startHarness({ upstreamUrl: upstream.url });
  return harness;
}

function wsUrl(h: Harness, path: string): string {
  return `${h.proxyUrl.replace('http:', 'ws:')}${path}`;
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve) =>
    ws.once('message', (data: RawData, binary) => resolve({ data: data as Buffer, binary })),
  );
}

const REALTIME = readWebSocketRecording(
  join(import.meta.dirname, '..', 'fixtures', 'wire', 'openai-realtime-ws-text-in-audio-out.jsonl'),
);

describe('WebSocket relay', () => {
  it('relays a recorded Realtime session both ways, exactly, with the subprotocol and headers passed through', async () => {
    const atUpstream: { received: Promise<string[]>; close: Promise<{ code: number; reason: string }> }[] =
      [];
    const h = await start((ws) => {
      atUpstream.push({ received: playScript(ws, REALTIME, 'server'), close: closed(ws) });
    });
    const client = new WebSocket(
      wsUrl(h, '/v1/realtime?model=gpt-realtime'),
      ['realtime', `openai-insecure-api-key.${TEST_API_KEY}`],
      {
        headers: { 'openai-beta': 'realtime=v1', 'x-custom': 'kept' },
      },
    );
    let upgradeHeaders: IncomingMessage['headers'] = {};
    client.once('upgrade', (res) => {
      upgradeHeaders = res.headers;
    });
    // The recording starts with the server's message: the client listens before it is open.
    const playing = playScript(client, REALTIME, 'client');
    await opened(client);
    expect(client.protocol).toBe('realtime');
    expect(upgradeHeaders['x-request-id']).toBe('req_ws_upstream');
    const receivedByClient = await playing;
    expect(receivedByClient).toEqual(REALTIME.filter((m) => m.from === 'server').map((m) => m.text));
    await vi.waitFor(() => expect(atUpstream, 'the upstream connection').toHaveLength(1));
    const side = atUpstream[0] as (typeof atUpstream)[number];
    expect(await side.received).toEqual(REALTIME.filter((m) => m.from === 'client').map((m) => m.text));
    const handshake = (upstream as WebSocketUpstream).handshakes[0] as IncomingMessage;
    expect(handshake.url).toBe('/v1/realtime?model=gpt-realtime');
    expect(handshake.headers['openai-beta']).toBe('realtime=v1');
    expect(handshake.headers['x-custom']).toBe('kept');
    expect(handshake.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim())).toEqual([
      'realtime',
      `openai-insecure-api-key.${TEST_API_KEY}`,
    ]);
    const clientClosed = closed(client);
    client.close(1000, 'done here');
    expect(await side.close).toEqual({ code: 1000, reason: 'done here' });
    expect((await clientClosed).code).toBe(1000);
  });

  it('never buffers: the client holds message 1 while the upstream withholds message 2; binary stays binary', async () => {
    const h = await start((ws) => {
      ws.send(Buffer.from([0, 1, 2, 255]), { binary: true });
      ws.once('message', (data: RawData) => {
        // Message 2 goes only once the client proved it has message 1.
        if ((data as Buffer).toString() === 'got 1') ws.send('message 2');
      });
    });
    const client = new WebSocket(wsUrl(h, '/v1/responses'));
    const first = nextMessage(client);
    await opened(client);
    const one = await first;
    expect(one.binary).toBe(true);
    expect([...one.data]).toEqual([0, 1, 2, 255]);
    const second = nextMessage(client);
    client.send('got 1');
    const two = await second;
    expect(two.binary).toBe(false);
    expect(two.data.toString()).toBe('message 2');
    client.close();
  });

  it('closes the client with the code and reason the upstream closed with', async () => {
    const h = await start((ws) => {
      ws.once('message', () => ws.close(4001, 'session expired'));
    });
    const client = new WebSocket(wsUrl(h, '/v1/realtime?model=gpt-realtime'));
    await opened(client);
    const done = closed(client);
    client.send('hello');
    expect(await done).toEqual({ code: 4001, reason: 'session expired' });
  });

  it('closes the upstream the moment the client drops its connection', async () => {
    let upstreamClosed: Promise<{ code: number; reason: string }> | undefined;
    const h = await start((ws) => {
      upstreamClosed = closed(ws);
      ws.send('ready');
    });
    const client = new WebSocket(wsUrl(h, '/v1/realtime'));
    const ready = nextMessage(client);
    await opened(client);
    await ready;
    client.terminate();
    await vi.waitFor(() => expect(upstreamClosed, 'the upstream socket').toBeDefined());
    expect((await upstreamClosed)?.code).toBe(1006);
  });

  it('answers a refused upgrade with the upstream status and body', async () => {
    const h = await start(() => undefined);
    const client = new WebSocket(wsUrl(h, '/refuse/401/v1/realtime'));
    const answer = await new Promise<{ status: number; body: string }>((resolve) => {
      client.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({
      error: { message: 'Incorrect API key provided', code: 'invalid_api_key' },
    });
  });

  it('refuses an upgrade from a web page origin that is not allowed, before the upstream hears of it', async () => {
    const h = await start(() => undefined);
    const client = new WebSocket(wsUrl(h, '/v1/realtime'), { origin: 'https://evil.example' });
    const status = await new Promise<number>((resolve) =>
      client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(403);
    expect((upstream as WebSocketUpstream).handshakes).toHaveLength(0);
  });
});

describe('WebSocket capture', () => {
  it('captures a Realtime session as one exchange with every message, its close, and the key in the subprotocol kept secret', async () => {
    const h = await start((ws) => void playScript(ws, REALTIME, 'server'));
    const client = new WebSocket(wsUrl(h, '/v1/realtime?model=gpt-realtime'), [
      'realtime',
      `openai-insecure-api-key.${TEST_API_KEY}`,
    ]);
    const playing = playScript(client, REALTIME, 'client');
    await opened(client);
    await playing;
    client.close(1000, 'bye');
    const record = await h.nextRecord();
    expect(record.method).toBe('GET');
    expect(record.path).toBe('/v1/realtime?model=gpt-realtime');
    expect(record.status).toBe(101);
    expect(record.state).toBe('complete');
    expect(record.tenant).toMatch(/^sk-…WXYZ·[0-9a-f]{6}$/);
    expect(record.request.headers['sec-websocket-protocol']).toBe(
      'realtime,openai-insecure-api-key.[redacted]',
    );
    const messages = record.websocket?.messages ?? [];
    expect(messages.map((m) => ({ from: m.from, data: m.data, size: m.size }))).toEqual(
      REALTIME.map((m) => ({ from: m.from, data: m.text, size: Buffer.byteLength(m.text) })),
    );
    const times = messages.map((m) => m.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(record.websocket?.close).toMatchObject({ code: 1000, reason: 'bye', by: 'client' });
    expect(JSON.stringify(record)).not.toContain(TEST_API_KEY);
  });

  it('records binary messages as base64 and a close other than 1000 as an error with its code', async () => {
    const h = await start((ws) => {
      ws.send(Buffer.from([0, 1, 2, 255]), { binary: true });
      ws.once('message', () => ws.close(4001, 'session expired'));
    });
    const client = new WebSocket(wsUrl(h, '/v1/realtime?model=gpt-realtime'));
    const first = nextMessage(client);
    await opened(client);
    await first;
    client.send('hello');
    const record = await h.nextRecord();
    expect(record.state).toBe('error');
    expect(record.websocket?.close).toMatchObject({ code: 4001, reason: 'session expired', by: 'server' });
    expect(record.websocket?.messages.map(({ t: _t, ...m }) => m)).toEqual([
      { from: 'server', size: 4, data: 'AAEC/w==', encoding: 'base64' },
      { from: 'client', size: 5, data: 'hello' },
    ]);
  });

  it('records a refused upgrade as the HTTP exchange it was, with the upstream body', async () => {
    const h = await start(() => undefined);
    const client = new WebSocket(wsUrl(h, '/refuse/404/v1/realtime'));
    client.on('error', () => undefined);
    const record = await h.nextRecord();
    expect(record.status).toBe(404);
    expect(record.websocket).toBeUndefined();
    expect(JSON.parse(record.response?.body ?? '')).toMatchObject({ error: { code: 'invalid_api_key' } });
  });
});

describe('WebSocket capture of a close without a code', () => {
  it('records a client that closes with a code other than 1000 as aborted by the client, with the code', async () => {
    const h = await start((ws) => ws.send('ready'));
    const client = new WebSocket(wsUrl(h, '/v1/realtime?model=gpt-realtime'));
    const ready = nextMessage(client);
    await opened(client);
    await ready;
    client.close(4000, 'user left');
    const record = await h.nextRecord();
    expect(record.websocket?.close).toMatchObject({ code: 4000, reason: 'user left', by: 'client' });
    // Once `error` with an error of kind `client-aborted`: the state and the error disagreed.
    expect(record).toMatchObject({
      state: 'aborted',
      error: { message: expect.stringContaining('code 4000') },
    });
  });

  it('counts a close frame without a code (1005, as the Agents SDK sends) as a normal end', async () => {
    const h = await start((ws) => ws.send('ready'));
    const client = new WebSocket(wsUrl(h, '/v1/responses'));
    const ready = nextMessage(client);
    await opened(client);
    await ready;
    client.close();
    const record = await h.nextRecord();
    expect(record.websocket?.close).toMatchObject({ code: 1005, by: 'client' });
    expect(record.state).toBe('complete');
    expect(record.error).toBeNull();
  });
});

describe('WebSocket upgrades through a route', () => {
  it('go to the route upstream with the prefix stripped, and the capture records the provider', async () => {
    const paths: string[] = [];
    upstream = await startWebSocketUpstream((ws, req) => {
      paths.push(req.url ?? '');
      ws.send('hello from the route');
    });
    // The default upstream is a plain HTTP fake: only the route reaches the WebSocket server.
    harness = await startHarness({ routes: [{ name: 'realtime', url: upstream.url }] });
    const client = new WebSocket(wsUrl(harness, '/realtime/v1/realtime?model=gpt-realtime'));
    const first = nextMessage(client);
    await opened(client);
    expect((await first).data.toString()).toBe('hello from the route');
    expect(paths).toEqual(['/v1/realtime?model=gpt-realtime']);
    client.close(1000);
    const record = await harness.nextRecord();
    expect(record.provider).toBe('realtime');
    expect(record.path).toBe('/realtime/v1/realtime?model=gpt-realtime');
    expect(record.upstream).toBe(new URL(upstream.url).origin.replace(/^ws/, 'http'));
  });
});
