import { channelMethods } from '../../shared/contract/channel-methods.ts';
import {
  type AppCommand,
  COMMANDS_CHANNEL,
  type DesktopApi,
  type InspectorRequests,
  type LiveUpdate,
  SAVE_EXPORT_CHANNEL,
  UPDATES_CHANNEL,
  UPDATES_READY_CHANNEL,
} from '../../shared/contract/inspector-contract.ts';
import { errorMessage } from '../../shared/error-message.ts';

/** Electron's `ipcRenderer`, as far as the bridge uses it (so this module runs in plain Node). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

// Electron prefixes every error thrown by a main-process handler; the UI shows the message itself.
const REMOTE_ERROR_PREFIX = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/;

/** A fan-out of one IPC channel to the page's listeners, subscribed to IPC while anyone listens. */
function channelListeners<T>(ipc: IpcRendererLike, channel: string, accept: (value: unknown) => value is T) {
  const listeners = new Set<(value: T) => void>();
  // The IPC event (and with it `sender`) never reaches the page: only the payload does.
  const onMessage = (_event: unknown, value: unknown) => {
    if (!accept(value)) return;
    for (const listener of listeners) listener(value);
  };
  return (listener: (value: T) => void): (() => void) => {
    // Each subscription gets its own wrapper, so subscribing the same function twice needs two unsubscribes.
    const entry = (value: T) => listener(value);
    if (listeners.size === 0) ipc.on(channel, onMessage);
    listeners.add(entry);
    return () => {
      if (!listeners.delete(entry)) return;
      if (listeners.size === 0) ipc.removeListener(channel, onMessage);
    };
  };
}

const isBatch = (value: unknown): value is LiveUpdate[] => Array.isArray(value);
const isCommand = (value: unknown): value is AppCommand =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/**
 * The object the preload exposes as `window.tokentap`: one method per contract channel (derived
 * from the channel table), each a plain `ipcRenderer.invoke` of that channel only, plus subscriptions that return their
 * unsubscribe. Deliberately no generic `invoke`/`send`: the page can only ask what the contract allows.
 */
export function createDesktopApi(ipc: IpcRendererLike): DesktopApi {
  const invoke = async (channel: string, ...args: unknown[]): Promise<unknown> => {
    try {
      return await ipc.invoke(channel, ...args);
    } catch (error) {
      const message = errorMessage(error);
      throw new Error(message.replace(REMOTE_ERROR_PREFIX, ''));
    }
  };
  const subscribeUpdates = channelListeners(ipc, UPDATES_CHANNEL, isBatch);
  const subscribeCommands = channelListeners(ipc, COMMANDS_CHANNEL, isCommand);
  let readySent = false;

  return {
    // The main side answers each channel with that channel's result (its gateway checked the call).
    ...channelMethods(
      async (channel, args) =>
        (await invoke(channel, ...args)) as InspectorRequests[typeof channel]['result'],
    ),
    onUpdates(listener) {
      const unsubscribe = subscribeUpdates(listener);
      // Batches wait in the main process until someone is listening.
      if (!readySent) {
        readySent = true;
        ipc.send(UPDATES_READY_CHANNEL);
      }
      return unsubscribe;
    },
    onCommand: (listener) => subscribeCommands(listener),
    saveExport: async (request) => (await invoke(SAVE_EXPORT_CHANNEL, request)) as string | null,
  };
}
