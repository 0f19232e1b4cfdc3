import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ForeignSenderError,
  type IpcGateway,
  type IpcGatewayOptions,
  openIpcGateway,
} from '../../../electron/bridge/ipc-gateway.ts';
import { createDesktopApi } from '../../../electron/bridge/preload-api.ts';
import { InspectorService, type UpdateListener } from '../../../electron/inspector-service.ts';
import {
  CHANNELS,
  type Channel,
  type InspectorHandlers,
  type LiveUpdate,
  UPDATES_CHANNEL,
  UPDATES_READY_CHANNEL,
} from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { summarise } from '../../../shared/exchange/exchange-summary.ts';
import { sampleExchange } from '../../support/sample-records.ts';
import { APP_URL, eventFrom, FakeIpcMain, FakeIpcRenderer, FakeWebContents } from './fake-ipc.ts';

// A session id of the form the store makes (the contract checks ids exactly, over IPC as over HTTP).
const SESSION = '2026-11-26T19-30-00-123Z-ab12';

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

function rig(options: { appUrl?: string; saveExport?: IpcGatewayOptions['saveExport'] } = {}): Rig {
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
    expect(new Set(CHANNELS).size).toBe(CHANNELS.length);
    expect([...ipcMain.listeners.keys()]).toEqual([UPDATES_READY_CHANNEL]);
  });

  it('maps each channel onto its handler with the arguments as sent', async () => {
    const { ipcMain, calls } = rig();
    await expect(ipcMain.invoke(own, 'status.get')).resolves.toEqual({ answeredBy: 'status.get' });
    await ipcMain.invoke(own, 'settings.update', { listenAddr: '127.0.0.1:4000', upstream: 'http://x' });
    await ipcMain.invoke(own, 'capture.setPaused', true);
    await ipcMain.invoke(own, 'exchanges.list', null);
    await ipcMain.invoke(own, 'exchanges.get', 'abc', SESSION);
    await ipcMain.invoke(own, 'usage.get', SESSION);
    await ipcMain.invoke(own, 'sessions.list');
    await ipcMain.invoke(own, 'sessions.create');
    await ipcMain.invoke(own, 'sessions.delete', SESSION);
    await ipcMain.invoke(own, 'export.build', { format: 'har', session: null, ids: ['a', 'b'] });
    await ipcMain.invoke(own, 'import.load', { name: 'a.har', content: '{}' });
    await ipcMain.invoke(own, 'replay.start', { session: SESSION, speed: 0, fallthrough: true, faults: [] });
    await ipcMain.invoke(own, 'replay.stop');
    await ipcMain.invoke(own, 'exchanges.resend', { id: 'abc', session: null, model: 'm2' });
    expect(calls).toEqual([
      { channel: 'status.get', args: [] },
      { channel: 'settings.update', args: [{ listenAddr: '127.0.0.1:4000', upstream: 'http://x' }] },
      { channel: 'capture.setPaused', args: [true] },
      { channel: 'exchanges.list', args: [null] },
      { channel: 'exchanges.get', args: ['abc', SESSION] },
      { channel: 'usage.get', args: [SESSION] },
      { channel: 'sessions.list', args: [] },
      { channel: 'sessions.create', args: [] },
      { channel: 'sessions.delete', args: [SESSION] },
      { channel: 'export.build', args: [{ format: 'har', session: null, ids: ['a', 'b'] }] },
      { channel: 'import.load', args: [{ name: 'a.har', content: '{}' }] },
      {
        channel: 'replay.start',
        args: [{ session: SESSION, speed: 0, fallthrough: true, faults: [] }],
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
    source().send([changed(sampleExchange('a', 1))]);
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
  const session: LiveUpdate = {
    type: 'session',
    session: { id: 's', name: 's', createdAt: '', exchanges: 0, bytes: 0, current: true },
  };

  it('sends nothing before the renderer is ready (it lists when it subscribes), then every batch', () => {
    const { ipcMain, contents, source } = rig();
    source().send([changed(sampleExchange('a', 1)), session]);
    expect(contents.sent).toEqual([]);
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    source().send([session, changed(sampleExchange('b', 2))]);
    expect(batches(contents).map((b) => b.map((u) => u.type))).toEqual([['session', 'exchange']]);
  });

  it('passes each batch on at once as one message, without batching or coalescing again', () => {
    const { ipcMain, contents, source } = rig();
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    // The worker coalesced these already; one stage is enough.
    const first = [changed(sampleExchange('a', 1)), changed(sampleExchange('b', 2))];
    const second = [changed(sampleExchange('a', 1, 'complete'))];
    source().send(first);
    expect(batches(contents)).toEqual([first]);
    source().send(second);
    expect(batches(contents)).toEqual([first, second]);
    // Summaries only: bodies and chunks never cross per event.
    expect(batches(contents)[0]?.[0]).not.toHaveProperty('summary.chunks');
  });

  it('sends nothing while the renderer reloads, until it is ready again', () => {
    const { ipcMain, contents, source, gateway } = rig();
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    source().send([changed(sampleExchange('a', 1))]);
    expect(batches(contents)).toHaveLength(1);
    gateway.holdUpdates();
    source().send([changed(sampleExchange('b', 2))]);
    expect(batches(contents)).toHaveLength(1);
    ipcMain.emit(own, UPDATES_READY_CHANNEL);
    source().send([changed(sampleExchange('c', 3))]);
    expect(batches(contents).map((b) => b.length)).toEqual([1, 1]);
  });

  it('stops sending once the window is closed or destroyed', () => {
    const first = rig();
    first.ipcMain.emit(own, UPDATES_READY_CHANNEL);
    first.gateway.close();
    first.source().send([changed(sampleExchange('a', 1))]);
    const second = rig();
    second.ipcMain.emit(own, UPDATES_READY_CHANNEL);
    second.contents.destroyed = true;
    second.source().send([changed(sampleExchange('a', 1))]);
    second.gateway.command({ type: 'sessions.open' });
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
    await vi.waitFor(
      () =>
        expect(
          received.find(
            (u) => u.type === 'exchange' && u.summary.state === 'error' && u.summary.model === 'gpt-4o-mini',
          ),
        ).toBeDefined(),
      { timeout: 5000, interval: 20, message: 'waiting for the failed exchange to reach the bridge' },
    );
    expect(received.some((u) => u.type === 'status' && u.status.listening)).toBe(true);
    unsubscribe();

    const list = await api.exchanges.list(null);
    expect(list).toHaveLength(1);
  });
});
