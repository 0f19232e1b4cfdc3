/**
 * The browser client (InspectorApi over HTTP + WebSocket) against the real headless server: the
 * UI server and InspectorService on port 0 in front of a real fake upstream, real fetch, real
 * WebSocket. Every channel goes through the requests the client derives from the channel table
 * and the routes the server derives from the same table.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBrowserClient, fileNameFromDisposition } from '../../renderer/api/browser-client.ts';
import type { LiveUpdate } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../support/headless-harness.ts';
import { waitForStored } from '../support/stored-exchanges.ts';

let h: HeadlessHarness;
beforeEach(async () => {
  h = await startHeadlessHarness(undefined, {}, { OPENAI_API_KEY: 'sk-test-resend-key-0000' });
});
afterEach(async () => {
  await h.close();
});

const client = (token: string | null = UI_TOKEN) => createBrowserClient({ origin: h.ui.url, token });

/** One exchange through the proxy, then its id once the session lists it. */
async function captureOne(api = client()): Promise<string> {
  h.upstream.respond('GET /v1/models', { body: '{"data":[]}' });
  await fetch(`${h.service.proxy?.url}/v1/models`).then((res) => res.arrayBuffer());
  const [stored] = await waitForStored(api, 1);
  return stored?.id ?? '';
}

describe('browser client against the real UI server', () => {
  it('reads status, exchanges, one exchange in full and usage; a missing exchange is null', async () => {
    const api = client();
    const id = await captureOne(api);
    const status = await api.status.get();
    expect(status).toMatchObject({ listening: true, capturePaused: false, error: null });
    const record = (await api.exchanges.get(id, null)) as ExchangeRecord;
    expect(record.id).toBe(id);
    expect(record.path).toBe('/v1/models');
    expect(await api.exchanges.get('no-such-exchange', null)).toBeNull();
    expect(await api.exchanges.get(id, status.session.id)).toMatchObject({ id });
    expect((await api.usage.get(null)).byTenant).toHaveLength(1);
  });

  it('pauses capture and changes settings; the server checks the arguments and says why', async () => {
    const api = client();
    expect((await api.capture.setPaused(true)).capturePaused).toBe(true);
    expect((await api.capture.setPaused(false)).capturePaused).toBe(false);
    const upstream = h.upstream.url;
    const moved = await api.settings.update({
      listenAddr: '127.0.0.1:0',
      upstream,
      routes: 'x=http://127.0.0.1:9',
    });
    expect(moved.listening).toBe(true);
    expect(moved.routes).toBe('x=http://127.0.0.1:9');
    await expect(api.settings.update({ listenAddr: 'nonsense', upstream })).rejects.toThrow(
      /Invalid listen address/,
    );
    // The same length caps as over IPC: both go through the channel's schema.
    await expect(
      api.settings.update({ listenAddr: '127.0.0.1:0', upstream, allowedOrigins: 'x'.repeat(3000) }),
    ).rejects.toThrow('settings.update: settings.allowedOrigins is longer than 2048 characters');
  });

  it('creates, lists and deletes sessions', async () => {
    const api = client();
    const first = (await api.status.get()).session;
    const created = await api.sessions.create();
    expect(created.current).toBe(true);
    expect((await api.sessions.list()).map((s) => s.id)).toEqual([created.id, first.id]);
    await expect(api.sessions.delete(first.id)).resolves.toBeUndefined();
    expect((await api.sessions.list()).map((s) => s.id)).toEqual([created.id]);
    await expect(api.sessions.delete('../settings')).rejects.toThrow(
      /sessions\.delete: id is not a session id/,
    );
  });

  it('builds an export as a file, imports it back, and exports the import the same', async () => {
    const api = client();
    const id = await captureOne(api);
    const all = await api.export.build({ format: 'jsonl', session: null, ids: null });
    expect(all.fileName).toMatch(/^tokentap-.*\.jsonl$/);
    expect(all.mimeType).toBe('application/x-ndjson');
    expect((JSON.parse(all.content.trimEnd()) as ExchangeRecord).id).toBe(id);
    const har = await api.export.build({ format: 'har', session: null, ids: [id] });
    expect((JSON.parse(har.content) as { log: { entries: unknown[] } }).log.entries).toHaveLength(1);
    const none = await api.export.build({ format: 'har', session: null, ids: ['other'] });
    expect((JSON.parse(none.content) as { log: { entries: unknown[] } }).log.entries).toEqual([]);

    const imported = await api.import.load({ name: 'mine.jsonl', content: all.content });
    expect(imported.imported).toBe(1);
    const again = await api.export.build({ format: 'jsonl', session: imported.session.id, ids: null });
    expect(again.content).toBe(all.content);
  });

  it('starts and stops replay mode, and resends an exchange with the key only in the body', async () => {
    const api = client();
    const id = await captureOne(api);
    const replaying = await api.replay.start({ session: null, speed: 0, fallthrough: false, faults: [] });
    expect(replaying.replay).toMatchObject({ recordings: 1, speed: 0 });
    expect((await api.replay.stop()).replay).toBeNull();

    h.upstream.respond('GET /v1/models', { body: '{"data":["again"]}' });
    const resent = await api.exchanges.resend({ id, session: null, apiKey: 'sk-client-given-key-1234' });
    expect(resent.resentFrom).toBe(id);
    expect(h.upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-client-given-key-1234');
  });

  it("throws the server's error message: a wrong token, a bad argument", async () => {
    await expect(client('wrong').status.get()).rejects.toThrow(/Missing or wrong token/);
    const bad = client().exchanges.list as unknown as (session: unknown) => Promise<unknown>;
    await expect(bad('../sessions')).rejects.toThrow(/^exchanges\.list: session is not a session id/);
  });

  it('gives an export as a link that carries no token and works exactly once', async () => {
    const api = client();
    await captureOne(api);
    const link = (await api.exportUrl({ format: 'jsonl', session: null, ids: null })) as string;
    expect(link).not.toContain(UI_TOKEN);
    expect([...new URL(link).searchParams.keys()]).toEqual(['ticket']);
    const first = await fetch(link);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="tokentap-.*\.jsonl"/);
    expect((await first.text()).trimEnd().split('\n')).toHaveLength(1);
    expect((await fetch(link)).status).toBe(403);
  });

  it('cancels a call through its AbortSignal and reports download progress', async () => {
    const api = client();
    await captureOne(api);
    const progress: number[] = [];
    const list = await api.withOptions({ onProgress: (p) => progress.push(p.loaded) }).exchanges.list(null);
    expect(progress.at(-1)).toBe(JSON.stringify(list).length);
    const controller = new AbortController();
    controller.abort();
    await expect(api.withOptions({ signal: controller.signal }).status.get()).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('subscribes over one WebSocket, hands batches on, and closes it with the last listener', async () => {
    const api = client();
    const got: LiveUpdate[] = [];
    const stopA = api.onUpdates((batch) => got.push(...batch));
    const stopB = api.onUpdates(() => undefined);
    await vi.waitFor(() => expect(h.ui.liveClients(), 'one live-feed client').toHaveLength(1));
    await captureOne(api);
    await vi.waitFor(() =>
      expect(
        got.some((u) => u.type === 'exchange' && u.summary.state === 'complete'),
        'the finished exchange pushed',
      ).toBe(true),
    );
    stopA();
    expect(h.ui.liveClients()).toHaveLength(1);
    stopB();
    await vi.waitFor(() => expect(h.ui.liveClients(), 'the socket closed').toHaveLength(0));
  });

  it('parses both forms of Content-Disposition', () => {
    expect(fileNameFromDisposition("attachment; filename*=UTF-8''my%20session.jsonl", 'x')).toBe(
      'my session.jsonl',
    );
    expect(fileNameFromDisposition('attachment; filename=plain.har', 'x')).toBe('plain.har');
    expect(fileNameFromDisposition(null, 'fallback.har')).toBe('fallback.har');
  });
});
