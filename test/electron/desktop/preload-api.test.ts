import { describe, expect, it } from 'vitest';
import { createDesktopApi } from '../../../electron/bridge/preload-api.ts';
import {
  type AppCommand,
  CHANNELS,
  COMMANDS_CHANNEL,
  type LiveUpdate,
  UPDATES_CHANNEL,
  UPDATES_READY_CHANNEL,
} from '../../../shared/contract/inspector-contract.ts';
import { FakeIpcRenderer } from './fake-ipc.ts';

/** Every function reachable on the exposed object, as dotted paths. */
function surface(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, member]) =>
    typeof member === 'function'
      ? [`${prefix}${key}`]
      : typeof member === 'object' && member !== null
        ? surface(member, `${prefix}${key}.`)
        : [`${prefix}${key} (${typeof member})`],
  );
}

describe('preload bridge (window.tokentap)', () => {
  it('exposes one method per contract channel, the two subscriptions and saving, nothing else', () => {
    const api = createDesktopApi(new FakeIpcRenderer());
    // Derived from the channel table: a new channel is a new method here, and nothing else is.
    expect(surface(api).sort()).toEqual([...CHANNELS, 'onCommand', 'onUpdates', 'saveExport'].sort());
    expect(surface(api)).toContain('exchanges.list');
    const methods = surface(api).filter((name) => name.includes('.'));
    expect(methods.sort()).toEqual([...CHANNELS].sort());
    expect(surface(api).join(' ')).not.toMatch(/\b(invoke|send|on|ipc|ipcRenderer|require)\b/);
  });

  it('invokes exactly the method’s own channel with its arguments', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    await api.status.get();
    await api.exchanges.get('id-1', null);
    await api.export.build({ format: 'jsonl', session: 's', ids: null });
    await api.sessions.delete('s');
    await api.saveExport({ format: 'har', session: null, ids: ['a'] });
    expect(ipc.invoked).toEqual([
      { channel: 'status.get', args: [] },
      { channel: 'exchanges.get', args: ['id-1', null] },
      { channel: 'export.build', args: [{ format: 'jsonl', session: 's', ids: null }] },
      { channel: 'sessions.delete', args: ['s'] },
      { channel: 'export.save', args: [{ format: 'har', session: null, ids: ['a'] }] },
    ]);
  });

  it('shows the main process’s error message without Electron’s prefix', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.invoke = async () => {
      throw new Error("Error invoking remote method 'settings.update': Error: Port 3000 is in use");
    };
    await expect(createDesktopApi(ipc).settings.update({ listenAddr: 'x', upstream: 'y' })).rejects.toThrow(
      /^Port 3000 is in use$/,
    );
  });

  it('says it is ready once, on the first subscription, and unsubscribes', () => {
    const ipc = new FakeIpcRenderer();
    const api = createDesktopApi(ipc);
    expect(ipc.sentToMain).toEqual([]);
    const first: LiveUpdate[][] = [];
    const second: LiveUpdate[][] = [];
    const offFirst = api.onUpdates((batch) => first.push(batch));
    const offSecond = api.onUpdates((batch) => second.push(batch));
    expect(ipc.sentToMain).toEqual([{ channel: UPDATES_READY_CHANNEL, args: [] }]);
    const batch: LiveUpdate[] = [{ type: 'status', status: {} as never }];
    ipc.deliver(UPDATES_CHANNEL, batch);
    offFirst();
    offFirst();
    ipc.deliver(UPDATES_CHANNEL, batch);
    // Not a batch: ignored rather than handed to the store.
    ipc.deliver(UPDATES_CHANNEL, 'junk');
    expect(first).toEqual([batch]);
    expect(second).toEqual([batch, batch]);
    offSecond();
    expect(ipc.listeners.get(UPDATES_CHANNEL)?.size ?? 0).toBe(0);
  });

  it('passes only the payload to listeners, never the IPC event', () => {
    const ipc = new FakeIpcRenderer();
    const seen: unknown[][] = [];
    createDesktopApi(ipc).onUpdates((...args: unknown[]) => seen.push(args));
    ipc.deliver(UPDATES_CHANNEL, []);
    expect(seen).toEqual([[[]]]);
  });

  it('delivers menu commands to subscribers', () => {
    const ipc = new FakeIpcRenderer();
    const commands: AppCommand[] = [];
    const off = createDesktopApi(ipc).onCommand((command) => commands.push(command));
    ipc.deliver(COMMANDS_CHANNEL, { type: 'sessions.open' });
    ipc.deliver(COMMANDS_CHANNEL, null);
    off();
    ipc.deliver(COMMANDS_CHANNEL, { type: 'sessions.show', session: 's' });
    expect(commands).toEqual([{ type: 'sessions.open' }]);
    expect(ipc.sentToMain).toEqual([]);
  });
});
