import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorService, type UpdateListener } from '../../../electron/inspector-service.ts';
import {
  ForeignSenderError,
  type IpcGateway,
  type IpcGatewayOptions,
  openIpcGateway,
} from '../../../electron/ipc-gateway.ts';
import { createDesktopApi } from '../../../electron/preload-api.ts';
import type { ExchangeRecord } from '../../../shared/exchange-record.ts';
import { summarise } from '../../../shared/exchange-summary.ts';
import {
  CHANNELS,
  type Channel,
  type InspectorHandlers,
  type LiveUpdate,
  UPDATES_CHANNEL,
  UPDATES_READY_CHANNEL,
} from '../../../shared/inspector-contract.ts';
import { streamRecord } from '../../support/sample-records.ts';
import { APP_URL, eventFrom, FakeIpcMain, FakeIpcRenderer, FakeWebContents } from './fake-ipc.ts';

// Every channel of the contract, as a type-checked record: adding a channel to `InspectorRequests`
// without listing it here, or listing a name that is not a channel, does not compile.
const ALL_CHANNELS: Record<Channel, true> = {
  'status.get': true,
  'settings.update': true,
  'capture.setPaused': true,
  'exchanges.list': true,
  'exchanges.get': true,
  'usage.get': true,
  'threads.list': true,
  'threads.get': true,
  'search.text': true,
  'sessions.list': true,
  'sessions.create': true,
  'sessions.delete': true,
  'export.build': true,
  'import.load': true,
  'replay.start': true,
  'replay.stop': true,
  'exchanges.resend': true,
};

/** Handlers that record their calls and answer with the channel name. */
function recordingHandlers() {
  const calls: { channel: Channel; args: unknown[] }[] = [];
  const handlers = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      async (...args: unknown[]) => {
        calls.push({ channel, args });
        return { answeredBy: channel };
      },
    ]),
  ) as unknown as InspectorHandlers;
  return { handlers, calls };
}

interface Rig {
  ipcMain: FakeIpcMain;
  contents: FakeWebContents;
  gateway: IpcGateway;
  calls: { channel: Channel; args: unknown[] }[];
  source(): UpdateListener;
  unsubscribed(): boolean;
  logs: string[];
}

const gateways: IpcGateway[] = [];
afterEach(() => {
  for (const gateway of gateways.splice(0)) gateway.close();
});

function rig(
  options: { appUrl?: string; maxBatch?: number; saveExport?: IpcGatewayOptions['saveExport'] } = {},
): Rig {
  const ipcMain = new FakeIpcMain();
  const contents = new FakeWebContents(7);
  const { handlers, calls } = recordingHandlers();
  const logs: string[] = [];
  let listener: UpdateListener | null = null;
  let unsubscribed = false;
  const gateway = openIpcGateway({
    ipcMain,
    webContents: contents,
    appUrl: options.appUrl ?? APP_URL,
    handlers,
    subscribe: (l) => {
      listener = l;
      return () => {
        unsubscribed = true;
      };
    },
    log: (message) => logs.push(message),
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    ...(options.saveExport === undefined ? {} : { saveExport: options.saveExport }),
  });
  gateways.push(gateway);
  return {
    ipcMain,
    contents,
    gateway,
    calls,
    logs,
    source: () => {
      if (!listener) throw new Error('the gateway did not subscribe');
      return listener;
    },
    unsubscribed: () => unsubscribed,
  };
}

const own = eventFrom(7);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const template = streamRecord();
function exchange(id: string, seq: number, state: ExchangeRecord['state'] = 'streaming'): ExchangeRecord {
  return { ...template, id, seq, state };
}

/** The update the analysis side sends when an exchange changed. */
function changed(record: ExchangeRecord): LiveUpdate {
  return { type: 'exchange', summary: summarise(record) };
}

function batches(contents: FakeWebContents): LiveUpdate[][] {
  return contents.sent.filter((m) => m.channel === UPDATES_CHANNEL).map((m) => m.args[0] as LiveUpdate[]);
}

describe('IPC gateway: channels', () => {
  it('registers exactly the contract channels, one handler each', () => {
    const { ipcMain } = rig();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    expect([...CHANNELS].sort()).toEqual(Object.keys(ALL_CHANNELS).sort());
    expect(new Set(CHANNELS).size).toBe(CHANNELS.length);
    expect([...ipcMain.listeners.keys()]).toEqual([UPDATES_READY_CHANNEL]);
  });

  it('maps each channel onto its handler with the arguments as sent', async () => {
    const { ipcMain, calls } = rig();
    await expect(ipcMain.invoke(own, 'status.get')).resolves.toEqual({ answeredBy: 'status.get' });
    await ipcMain.invoke(own, 'settings.update', { listenAddr: '127.0.0.1:4000', upstream: 'http://x' });
    await ipcMain.invoke(own, 'capture.setPaused', true);
    await ipcMain.invoke(own, 'exchanges.list', null);
    await ipcMain.invoke(own, 'exchanges.get', 'abc', 'session-1');
    await ipcMain.invoke(own, 'usage.get', 'session-1');
    await ipcMain.invoke(own, 'sessions.list');
    await ipcMain.invoke(own, 'sessions.create');
    await ipcMain.invoke(own, 'sessions.delete', 'session-1');
    await ipcMain.invoke(own, 'export.build', { format: 'har', session: null, ids: ['a', 'b'] });
    await ipcMain.invoke(own, 'import.load', { name: 'a.har', content: '{}' });
    await ipcMain.invoke(own, 'replay.start', { session: 's', speed: 0, fallthrough: true, faults: [] });
    await ipcMain.invoke(own, 'replay.stop');
    await ipcMain.invoke(own, 'exchanges.resend', { id: 'abc', session: null, model: 'm2' });
    expect(calls).toEqual([
      { channel: 'status.get', args: [] },
      { channel: 'settings.update', args: [{ listenAddr: '127.0.0.1:4000', upstream: 'http://x' }] },
      { channel: 'capture.setPaused', args: [true] },
      { channel: 'exchanges.list', args: [null] },
      { channel: 'exchanges.get', args: ['abc', 'session-1'] },
      { channel: 'usage.get', args: ['session-1'] },
      { channel: 'sessions.list', args: [] },
      { channel: 'sessions.create', args: [] },
      { channel: 'sessions.delete', args: ['session-1'] },
      { channel: 'export.build', args: [{ format: 'har', session: null, ids: ['a', 'b'] }] },
      { channel: 'import.load', args: [{ name: 'a.har', content: '{}' }] },
      {
        channel: 'replay.start',
        args: [{ session: 's', speed: 0, fallthrough: true, faults: [], ignoredFields: null }],
      },
      { channel: 'replay.stop', args: [] },
      { channel: 'exchanges.resend', args: [{ id: 'abc', session: null, model: 'm2' }] },
    ]);
  });

  it('passes on only the contract fields of object arguments', async () => {
    const { ipcMain, calls } = rig();
    await ipcMain.invoke(own, 'settings.update', {
      listenAddr: 'a:1',
      upstream: 'http://u',
      __proto__x: 1,
      extra: 2,
    });
    expect(calls[0]?.args).toEqual([{ listenAddr: 'a:1', upstream: 'http://u' }]);
  });

  it('removes its handlers and listeners and unsubscribes when the window closes', () => {
    const r = rig();
    r.gateway.close();
    expect(r.ipcMain.handlers.size).toBe(0);
    expect(r.ipcMain.listeners.get(UPDATES_READY_CHANNEL)?.size).toBe(0);
    expect(r.unsubscribed()).toBe(true);
    // A new window gets a new gateway on the same channels.
    expect(() => rig()).not.toThrow();
  });
});

describe('IPC gateway: saving an export', () => {
  it('saves through the main process for the app window only, with the request checked', async () => {
    const asked: unknown[] = [];
    const { ipcMain, gateway, logs } = rig({
      saveExport: async (request) => {
        asked.push(request);
        return '/home/me/out.har';
      },
    });
    const request = { format: 'har', session: null, ids: ['a'] };
    expect(await ipcMain.invoke(own, 'export.save', request)).toBe('/home/me/out.har');
    expect(asked).toEqual([request]);
    await expect(ipcMain.invoke(eventFrom(8), 'export.save', request)).rejects.toThrow(
      /did not come from Tokentap's window/,
    );
    expect(logs.join('\n')).toMatch(/IPC export\.save refused/);
    await expect(
      ipcMain.invoke(own, 'export.save', { format: 'zip', session: null, ids: null }),
    ).rejects.toThrow(/format/);
    expect(asked).toHaveLength(1);
    gateway.close();
    expect(ipcMain.handlers.has('export.save')).toBe(false);
  });

  it('offers no saving when the main process gives none', () => {
    expect(rig().ipcMain.handlers.has('export.save')).toBe(false);
  });
});

describe('IPC gateway: senders', () => {
  const foreign: [string, ReturnType<typeof eventFrom> | { sender: { id: number }; senderFrame: null }][] = [
    ['another webContents', eventFrom(8)],
    ['a page elsewhere in the same window', eventFrom(7, 'https://evil.example/index.html')],
    ['another file', eventFrom(7, 'file:///tmp/evil.html')],
    ['a subframe of the app', eventFrom(7, APP_URL, { url: APP_URL, parent: null })],
    ['a destroyed frame', { sender: { id: 7 }, senderFrame: null }],
    ['a malformed URL', eventFrom(7, 'not a url')],
  ];

  for (const [name, event] of foreign) {
    it(`rejects and logs a message from ${name}`, async () => {
      const { ipcMain, calls, logs } = rig();
      await expect(ipcMain.invoke(event, 'sessions.list')).rejects.toThrow(
        /did not come from Tokentap's window/,
      );
      expect(calls).toEqual([]);
      expect(logs.join('\n')).toMatch(/IPC sessions\.list refused/);
    });
  }

  it('accepts the app page with a hash or a query', async () => {
    const { ipcMain, calls } = rig();
    await ipcMain.invoke(eventFrom(7, `${APP_URL}#/sessions`), 'sessions.list');
    await ipcMain.invoke(eventFrom(7, `${APP_URL}?x=1`), 'sessions.list');
    expect(calls).toHaveLength(2);
  });

  it('accepts the dev server origin only when that is the app URL', async () => {
    const dev = rig({ appUrl: 'http://localhost:5173/' });
    await dev.ipcMain.invoke(eventFrom(7, 'http://localhost:5173/some/route'), 'status.get');
    await expect(dev.ipcMain.invoke(eventFrom(7, 'http://localhost:5174/'), 'status.get')).rejects.toThrow(
      new ForeignSenderError('status.get').message,
    );
    await expect(dev.ipcMain.invoke(eventFrom(7), 'status.get')).rejects.toThrow(/refused/);
    expect(dev.calls).toHaveLength(1);
  });

  it('ignores a ready message from a foreign sender', async () => {
    const { ipcMain, contents, source, logs } = rig();
    ipcMain.emit(eventFrom(8), UPDATES_READY_CHANNEL);
    source().push(changed(exchange('a', 1)));
    await sleep(40);
    expect(batches(contents)).toEqual([]);
    expect(logs.join('\n')).toMatch(/IPC updates\.ready refused/);
  });
});

describe('IPC gateway: arguments', () => {
  const malformed: [Channel, unknown[], RegExp][] = [
    ['status.get', [1], /status\.get: takes no arguments, got 1/],
    ['settings.update', [], /settings\.update: takes 1 \(settings\), got 0/],
    ['settings.update', ['127.0.0.1:3000'], /settings must be an object, got a string/],
    ['settings.update', [null], /settings must be an object, got null/],
    [
      'settings.update',
      [{ listenAddr: 3000, upstream: 'http://u' }],
      /settings\.listenAddr must be a string, got number/,
    ],
    ['settings.update', [{ listenAddr: 'a:1' }], /settings\.upstream must be a string, got undefined/],
    ['capture.setPaused', ['yes'], /paused must be a boolean/],
    ['capture.setPaused', [], /takes 1 \(paused\), got 0/],
    ['exchanges.list', [undefined], /session must be a string, got undefined/],
    ['exchanges.list', [{}], /session must be a string, got object/],
    ['exchanges.get', ['id'], /takes 2 \(id, session\), got 1/],
    ['exchanges.get', [42, null], /id must be a string, got number/],
    ['exchanges.get', ['x'.repeat(300), null], /id is longer than 256 characters/],
    ['usage.get', [['a']], /session must be a string, got an array/],
    ['sessions.list', [null], /takes no arguments, got 1/],
    ['sessions.create', ['name'], /takes no arguments, got 1/],
    ['sessions.delete', [null], /id must be a string, got null/],
    [
      'export.build',
      [{ format: 'csv', session: null, ids: null }],
      /request\.format must be "har" or "jsonl"/,
    ],
    ['export.build', [{ format: 'har', session: 1, ids: null }], /request\.session must be a string/],
    [
      'export.build',
      [{ format: 'har', session: null, ids: 'a,b' }],
      /request\.ids must be an array of strings or null/,
    ],
    ['export.build', [{ format: 'har', session: null, ids: ['a', 2] }], /request\.ids\[1\] must be a string/],
    [
      'export.build',
      [{ format: 'har', session: null }],
      /request\.ids must be an array of strings or null, got undefined/,
    ],
    ['import.load', ['file contents'], /file must be an object/],
    ['import.load', [{ name: 'a.har' }], /file\.content must be a string, got undefined/],
    ['import.load', [{ name: null, content: '' }], /file\.name must be a string, got null/],
  ];

  for (const [channel, args, message] of malformed) {
    it(`rejects ${channel}(${JSON.stringify(args).slice(1, -1).slice(0, 60)})`, async () => {
      const { ipcMain, calls } = rig();
      await expect(ipcMain.invoke(own, channel, ...args)).rejects.toThrow(message);
      expect(calls).toEqual([]);
    });
  }

  it('names the channel in the error the renderer sees through the bridge', async () => {
    const { ipcMain, contents } = rig();
    const api = createDesktopApi(new FakeIpcRenderer(ipcMain, contents));
    // A page calling with the wrong types (as a compromised renderer could).
    const bad = api.exchanges.get as unknown as (...args: unknown[]) => Promise<unknown>;
    await expect(bad(1)).rejects.toThrow(/^exchanges\.get: takes 2 \(id, session\), got 1$/);
  });
});

describe('IPC gateway: live updates', () => {
  it('sends nothing before the renderer is ready, then what was held', async () => {
    const { ipcMain, contents, source } = rig();
    source().push(changed(exchange('a', 1)));
    source().push({
      type: 'session',
      session: { id: 's', name: 's', createdAt: '', exchanges: 0, bytes: 0, current: true },
    });
    await sleep(50);
    expect(contents.sent).toEqual([]);
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    await sleep(30);
    const sent = batches(contents);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.map((u) => u.type)).toEqual(['session', 'exchange']);
  });

  it('coalesces changes to one exchange into its latest summary', async () => {
    const { ipcMain, contents, source } = rig();
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    const record = exchange('a', 1, 'pending');
    for (let i = 0; i < 500; i++) {
      record.state = i < 499 ? 'streaming' : 'complete';
      source().push(changed(record));
    }
    source().push(changed(exchange('b', 2)));
    await sleep(40);
    const sent = batches(contents);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveLength(2);
    const [first, second] = sent[0] ?? [];
    expect(first?.type === 'exchange' && first.summary).toMatchObject({ id: 'a', state: 'complete' });
    expect(second?.type === 'exchange' && second.summary).toMatchObject({ id: 'b' });
    // Summaries only: bodies and chunks never cross per event.
    expect(first).not.toHaveProperty('summary.chunks');
    expect(first).not.toHaveProperty('summary.request');
  });

  it('caps a batch and sends the rest in later frames', async () => {
    const { ipcMain, contents, source } = rig({ maxBatch: 10 });
    for (let i = 0; i < 25; i++) source().push(changed(exchange(`x${i}`, i)));
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    await sleep(100);
    const sent = batches(contents);
    expect(sent.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(sent.flat().map((u) => (u.type === 'exchange' ? u.summary.id : ''))).toEqual(
      Array.from({ length: 25 }, (_, i) => `x${i}`),
    );
  });

  it('sends at most one batch per 16 ms frame under a continuous stream of changes', async () => {
    const { ipcMain, contents, source } = rig();
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    let i = 0;
    const started = performance.now();
    // Changes every millisecond, in small bursts, as a proxy with a few dozen streams makes them.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let k = 0; k < 20; k++, i++) source().push(changed(exchange(`x${i % 50}`, i)));
        if (performance.now() - started >= 400) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    const elapsed = performance.now() - started;
    await sleep(40);
    const times = contents.sent.filter((m) => m.channel === UPDATES_CHANNEL).map((m) => m.at);
    expect(times.length).toBeGreaterThan(10);
    // One per frame, plus the first send and the trailing flush.
    expect(times.length).toBeLessThanOrEqual(Math.floor(elapsed / 16) + 2);
    // Never two batches within one frame, even when Node's timers fire early on a busy loop.
    const gaps = times.slice(1).map((t, k) => t - (times[k] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(16);
    expect(i).toBeGreaterThan(1000);
  });

  it('holds updates while the renderer reloads, until it is ready again', async () => {
    const { ipcMain, contents, source, gateway } = rig();
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    source().push(changed(exchange('a', 1)));
    await sleep(30);
    expect(batches(contents)).toHaveLength(1);
    gateway.holdUpdates();
    source().push(changed(exchange('b', 2)));
    await sleep(40);
    expect(batches(contents)).toHaveLength(1);
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    await sleep(30);
    expect(batches(contents)).toHaveLength(2);
  });

  it('stops sending once the window is closed or destroyed', async () => {
    const first = rig();
    first.ipcMain.emit(own, UPDATES_READY_CHANNEL);
    first.gateway.close();
    first.source().push(changed(exchange('a', 1)));
    const second = rig();
    second.ipcMain.emit(own, UPDATES_READY_CHANNEL);
    second.contents.destroyed = true;
    second.source().push(changed(exchange('a', 1)));
    second.gateway.command({ type: 'sessions.open' });
    await sleep(40);
    expect(first.contents.sent).toEqual([]);
    expect(second.contents.sent).toEqual([]);
  });
});

describe('IPC gateway with the real inspector service', () => {
  let dataDir = '';
  let blocker: Server | null = null;
  let service: InspectorService | null = null;

  afterEach(async () => {
    await service?.close();
    service = null;
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = null;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reports a port in use, takes a new port over IPC, and streams the captured exchange to the bridge', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tokentap-ipc-'));
    const busy = createServer();
    blocker = busy;
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const busyPort = (busy.address() as { port: number }).port;
    const logs: string[] = [];
    service = await InspectorService.start({
      dataDir,
      // Nothing listens on port 9 (discard): the exchange is recorded as an upstream failure.
      env: { LISTEN_ADDR: `127.0.0.1:${busyPort}`, UPSTREAM: 'http://127.0.0.1:9' },
      headersTimeoutMs: 5000,
      log: (message) => logs.push(message),
    });
    const running = service;
    const ipcMain = new FakeIpcMain();
    const contents = new FakeWebContents(7);
    gateways.push(
      openIpcGateway({
        ipcMain,
        webContents: contents,
        appUrl: APP_URL,
        handlers: running.handlers,
        subscribe: (listener) => running.subscribe(listener),
        log: (message) => logs.push(message),
      }),
    );
    const api = createDesktopApi(new FakeIpcRenderer(ipcMain, contents));

    const before = await api.status.get();
    expect(before.listening).toBe(false);
    expect(before.error).toMatch(/in use|EADDRINUSE/i);

    const received: LiveUpdate[] = [];
    const unsubscribe = api.onUpdates((batch) => received.push(...batch));
    const after = await api.settings.update({ listenAddr: '127.0.0.1:0', upstream: 'http://127.0.0.1:9' });
    expect(after.listening).toBe(true);
    expect(after.error).toBeNull();

    const response = await fetch(`${after.proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }),
    });
    expect(response.status).toBe(502);
    await response.text();
    const deadline = Date.now() + 5000;
    const ended = () =>
      received.find(
        (u) => u.type === 'exchange' && u.summary.state === 'error' && u.summary.model === 'gpt-4o-mini',
      );
    while (!ended() && Date.now() < deadline) await sleep(20);
    expect(ended()).toBeDefined();
    expect(received.some((u) => u.type === 'status' && u.status.listening)).toBe(true);
    unsubscribe();

    const list = await api.exchanges.list(null);
    expect(list).toHaveLength(1);
  });
});
