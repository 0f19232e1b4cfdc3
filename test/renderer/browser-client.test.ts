import { describe, expect, it } from 'vitest';
import { createBrowserClient, fileNameFromDisposition } from '../../renderer/api/browser-client.ts';
import type { LiveUpdate } from '../../shared/inspector-contract.ts';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(answer: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

class FakeSocket {
  static instances: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }
  close() {
    this.closed = true;
  }
}

const origin = 'http://127.0.0.1:3001';

describe('browser client (InspectorApi over HTTP + WebSocket)', () => {
  it('sends the token as a Bearer header to the documented routes', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json([]));
    const api = createBrowserClient({ origin, token: 'tok', fetch: fetchImpl });
    await api.exchanges.list(null);
    await api.exchanges.list('s 1');
    await api.usage.get('s1');
    await api.sessions.list();
    await api.capture.setPaused(true);
    await api.settings.update({ listenAddr: '127.0.0.1:4000', upstream: 'http://x' });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      `GET ${origin}/api/exchanges`,
      `GET ${origin}/api/exchanges?session=s+1`,
      `GET ${origin}/api/usage?session=s1`,
      `GET ${origin}/api/sessions`,
      `POST ${origin}/api/capture`,
      `PUT ${origin}/api/settings`,
    ]);
    expect((calls[0]?.init.headers as Record<string, string> | undefined)?.Authorization).toBe('Bearer tok');
    expect(calls[4]?.init.body).toBe('{"paused":true}');
    expect(JSON.parse(String(calls[5]?.init.body))).toEqual({
      listenAddr: '127.0.0.1:4000',
      upstream: 'http://x',
    });
  });

  it("throws the server's error message, and maps a missing exchange to null", async () => {
    const { fetchImpl } = fakeFetch((call) =>
      call.url.includes('/api/exchanges/')
        ? json({ error: { message: 'No exchange "x" in this session' } }, 404)
        : json({ error: { message: 'Missing or wrong token' } }, 401),
    );
    const api = createBrowserClient({ origin, token: 'bad', fetch: fetchImpl });
    await expect(api.status.get()).rejects.toThrow('Missing or wrong token');
    await expect(api.exchanges.get('x', null)).resolves.toBeNull();
  });

  it('builds an export file from the answer and its Content-Disposition', async () => {
    const { calls, fetchImpl } = fakeFetch(
      () =>
        new Response('{"log":{}}', {
          headers: {
            'content-type': 'application/json',
            'content-disposition': 'attachment; filename="tokentap-2026.har"',
          },
        }),
    );
    const api = createBrowserClient({ origin, token: 't', fetch: fetchImpl });
    const file = await api.export.build({ format: 'har', session: null, ids: ['a', 'b'] });
    expect(file).toEqual({
      fileName: 'tokentap-2026.har',
      mimeType: 'application/json',
      content: '{"log":{}}',
    });
    // The filtered rows go in a POST body: thousands of ids do not fit in a URL.
    expect(`${calls[0]?.init.method} ${calls[0]?.url}`).toBe(`POST ${origin}/api/export`);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      format: 'har',
      session: null,
      ids: ['a', 'b'],
    });
    await api.export.build({ format: 'jsonl', session: 's2', ids: null });
    expect(`${calls[1]?.init.method ?? 'GET'} ${calls[1]?.url}`).toBe(
      `GET ${origin}/api/export?format=jsonl&session=s2`,
    );
  });

  it('gives an export as a link with a single-use ticket, never the token', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json({ ticket: 't-1', expiresAt: 0 }, 201));
    const api = createBrowserClient({ origin, token: 'tok en', fetch: fetchImpl });
    const link = await api.exportUrl({ format: 'har', session: 's 1', ids: null });
    expect(link).toBe(`${origin}/api/export?ticket=t-1`);
    expect(calls[0]?.url).toBe(`${origin}/api/export/ticket`);
    expect(calls[0]?.init.method).toBe('POST');
    expect(new Headers(calls[0]?.init.headers).get('authorization')).toBe('Bearer tok en');
    expect(new Headers(calls[0]?.init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ format: 'har', session: 's 1', ids: null });
    // A selection gets a ticket too: its ids travel in the ticket's body, not in the link.
    expect(await api.exportUrl({ format: 'jsonl', session: null, ids: ['a'] })).toBe(
      `${origin}/api/export?ticket=t-1`,
    );
    expect(JSON.parse(String(calls[1]?.init.body))).toEqual({ format: 'jsonl', session: null, ids: ['a'] });
  });

  it('sends replay and resend to their routes; the key only in the resend body', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json({ id: 'new' }));
    const api = createBrowserClient({ origin, token: 't', fetch: fetchImpl });
    await api.replay.start({ session: null, speed: 2, fallthrough: false, faults: [{ kind: 'drop-usage' }] });
    await api.replay.stop();
    await api.exchanges.resend({ id: 'a/b', session: 's1', model: 'm', apiKey: 'sk-x' });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      `POST ${origin}/api/replay`,
      `DELETE ${origin}/api/replay`,
      `POST ${origin}/api/exchanges/a%2Fb/resend?session=s1`,
    ]);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      session: null,
      speed: 2,
      fallthrough: false,
      faults: [{ kind: 'drop-usage' }],
    });
    expect(JSON.parse(String(calls[2]?.init.body))).toEqual({ model: 'm', apiKey: 'sk-x' });
    expect(calls[2]?.url).not.toContain('sk-x');
  });

  it('posts an import with the file name in the query and the text as the body', async () => {
    const result = { session: { id: 's9' }, imported: 3 };
    const { calls, fetchImpl } = fakeFetch(() => json(result, 201));
    const api = createBrowserClient({ origin, token: 't', fetch: fetchImpl });
    await expect(api.import.load({ name: 'cap.jsonl', content: '{}\n' })).resolves.toEqual(result);
    expect(`${calls[0]?.init.method} ${calls[0]?.url}`).toBe(`POST ${origin}/api/import?name=cap.jsonl`);
    expect(calls[0]?.init.body).toBe('{}\n');
  });

  it('cancels a call through its AbortSignal and reports download progress', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json([{ id: 'a' }]));
    const api = createBrowserClient({ origin, token: 't', fetch: fetchImpl });
    const controller = new AbortController();
    const progress: number[] = [];
    await api
      .withOptions({ signal: controller.signal, onProgress: (p) => progress.push(p.loaded) })
      .exchanges.list(null);
    expect(calls[0]?.init.signal).toBe(controller.signal);
    expect(progress.at(-1)).toBe('[{"id":"a"}]'.length);
  });

  it('parses both forms of Content-Disposition', () => {
    expect(fileNameFromDisposition("attachment; filename*=UTF-8''my%20session.jsonl", 'x')).toBe(
      'my session.jsonl',
    );
    expect(fileNameFromDisposition('attachment; filename=plain.har', 'x')).toBe('plain.har');
    expect(fileNameFromDisposition(null, 'fallback.har')).toBe('fallback.har');
  });

  it('subscribes over one WebSocket with the token, hands batches on, and closes with the last listener', () => {
    FakeSocket.instances = [];
    const api = createBrowserClient({
      origin,
      token: 'tok',
      fetch: fakeFetch(() => json({})).fetchImpl,
      WebSocket: FakeSocket as unknown as typeof WebSocket,
    });
    const got: LiveUpdate[][] = [];
    const stopA = api.onUpdates((batch) => got.push(batch));
    const stopB = api.onUpdates(() => undefined);
    expect(FakeSocket.instances).toHaveLength(1);
    const socket = FakeSocket.instances[0] as FakeSocket;
    expect(socket.url).toBe('ws://127.0.0.1:3001/api/events?token=tok');
    const batch: LiveUpdate[] = [{ type: 'status', status: {} as never }];
    socket.onmessage?.({ data: JSON.stringify(batch) });
    expect(got).toEqual([batch]);
    stopA();
    expect(socket.closed).toBe(false);
    stopB();
    expect(socket.closed).toBe(true);
  });
});
