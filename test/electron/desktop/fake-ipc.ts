/**
 * In-memory stand-ins for Electron's `ipcMain`, a window's `webContents` and the preload's
 * `ipcRenderer`, wired to each other the way Electron wires them (arguments and batches
 * structured-cloned, handler errors turned into rejections), so the gateway and the bridge run in Node.
 */
import type {
  FrameLike,
  IpcEventLike,
  IpcListener,
  IpcMainLike,
  WebContentsLike,
} from '../../../electron/bridge/ipc-gateway.ts';
import type { IpcRendererLike } from '../../../electron/bridge/preload-api.ts';

export const APP_URL = 'file:///opt/Tokentap/resources/app.asar/dist/renderer/index.html';

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Set<IpcListener>>();

  handle(channel: string, listener: Handler): void {
    // Electron throws on a second handler for the same channel; so does this.
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  on(channel: string, listener: IpcListener): this {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    return this;
  }

  removeListener(channel: string, listener: IpcListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  /** What `ipcRenderer.invoke` does: clone the arguments, call the handler, reject on errors. */
  async invoke(event: IpcEventLike, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    try {
      return structuredClone(await handler(event, ...structuredClone(args)));
    } catch (error) {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
  }

  /** What `ipcRenderer.send` does. */
  emit(event: IpcEventLike, channel: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...structuredClone(args));
  }
}

export interface SentMessage {
  channel: string;
  args: unknown[];
  at: number;
}

export class FakeWebContents implements WebContentsLike {
  readonly id: number;
  readonly sent: SentMessage[] = [];
  destroyed = false;
  onSend: ((message: SentMessage) => void) | null = null;

  constructor(id = 1) {
    this.id = id;
  }

  send(channel: string, ...args: unknown[]): void {
    // The send time is when main hands the message over, before the (variable) cost of cloning it.
    const at = performance.now();
    const message = { channel, args: structuredClone(args), at };
    this.sent.push(message);
    this.onSend?.(message);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** An IPC event from a sender with the given webContents id and frame. */
export function eventFrom(id: number, url: string = APP_URL, parent: FrameLike | null = null): IpcEventLike {
  return { sender: { id }, senderFrame: { url, parent } };
}

/** The preload's side, connected to a FakeIpcMain and FakeWebContents as the app's own window. */
export class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly sentToMain: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  readonly #main: FakeIpcMain | null;
  readonly #event: IpcEventLike;

  constructor(main: FakeIpcMain | null = null, contents: FakeWebContents | null = null) {
    this.#main = main;
    this.#event = eventFrom(contents?.id ?? 1);
    if (contents) {
      contents.onSend = (message) => this.deliver(message.channel, ...message.args);
    }
  }

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.#main ? this.#main.invoke(this.#event, channel, ...args) : undefined;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sentToMain.push({ channel, args });
    this.#main?.emit(this.#event, channel, ...args);
  }

  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    return this;
  }

  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  /** A message from the main process. */
  deliver(channel: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener({ sender: 'main' }, ...args);
  }
}
