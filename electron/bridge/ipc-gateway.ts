import { callChecked, checkArguments } from '../../shared/contract/check-arguments.ts';
import {
  type AppCommand,
  CHANNELS,
  COMMANDS_CHANNEL,
  type ExportRequest,
  type InspectorHandlers,
  SAVE_EXPORT_CHANNEL,
  UPDATES_CHANNEL,
  UPDATES_READY_CHANNEL,
} from '../../shared/contract/inspector-contract.ts';
import { isAppUrl } from '../desktop/app-url.ts';
import type { UpdateListener } from '../inspector-service.ts';

// Structural stand-ins for Electron's types, so this module runs (and is tested) in plain Node;
// main.ts passes the real `ipcMain` and `webContents`, and the compiler checks they fit.

/** The frame that sent a message (Electron's `WebFrameMain`). */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

/** What every IPC event carries about its sender (Electron's `IpcMainEvent`/`IpcMainInvokeEvent`). */
export interface IpcEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

export type IpcListener = (event: IpcEventLike, ...args: unknown[]) => void;

/** Electron's `ipcMain`, as far as the gateway uses it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

/** The main window's `webContents`, as far as the gateway uses it. */
export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface IpcGatewayOptions {
  ipcMain: IpcMainLike;
  /** The one window allowed to talk to the main process. */
  webContents: WebContentsLike;
  /** The URL the window loads (its `file://` index.html, or the dev server). */
  appUrl: string;
  handlers: InspectorHandlers;
  /** Where live updates come from (`InspectorService.subscribe`); returns the unsubscribe. */
  subscribe(listener: UpdateListener): () => void;
  /** Saves an export where the user picks, streamed (the menu's file actions); absent: not offered. */
  saveExport?(request: ExportRequest): Promise<string | null>;
  log(message: string): void;
}

export interface IpcGateway {
  /** The renderer is reloading: no updates until it says it is ready again (it lists then). */
  holdUpdates(): void;
  /** Sends a menu command to the renderer. */
  command(command: AppCommand): void;
  /** Removes every handler and listener and stops the updates (the window closed). */
  close(): void;
}

/** Thrown back to a sender that is not the app's own window (the renderer sees the message). */
export class ForeignSenderError extends Error {
  constructor(channel: string) {
    super(`${channel}: refused, the message did not come from Tokentap's window`);
    this.name = 'ForeignSenderError';
  }
}

/**
 * The main-process side of the IPC bridge: one `ipcMain.handle` per contract channel, each
 * checking its sender and then its arguments against the channel's schemas (`checkArguments`,
 * the same check the HTTP routes make) before calling the inspector's handler, and live
 * updates sent to the window as they come (already one batch per frame) while its renderer is
 * ready; what comes before, it lists when it subscribes.
 */
export function openIpcGateway(options: IpcGatewayOptions): IpcGateway {
  const { ipcMain, webContents, appUrl, handlers, log } = options;

  const trusted = (event: IpcEventLike, channel: string): boolean => {
    const frame = event.senderFrame;
    const ok =
      event.sender.id === webContents.id &&
      frame !== null &&
      frame.parent === null &&
      isAppUrl(frame.url, appUrl);
    if (!ok) {
      log(
        `IPC ${channel} refused: sender ${event.sender.id} at ${frame?.url ?? '(no frame)'} is not the app window`,
      );
    }
    return ok;
  };

  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, ...args) => {
      if (!trusted(event, channel)) throw new ForeignSenderError(channel);
      return callChecked(handlers, channel, args);
    });
  }
  const { saveExport } = options;
  if (saveExport) {
    ipcMain.handle(SAVE_EXPORT_CHANNEL, (event, ...args) => {
      if (!trusted(event, SAVE_EXPORT_CHANNEL)) throw new ForeignSenderError(SAVE_EXPORT_CHANNEL);
      // The same request as an in-memory export, checked the same way.
      const [request] = checkArguments('export.build', args);
      return saveExport(request);
    });
  }

  let ready = false;
  const onReady: IpcListener = (event) => {
    if (trusted(event, UPDATES_READY_CHANNEL)) ready = true;
  };
  ipcMain.on(UPDATES_READY_CHANNEL, onReady);
  const unsubscribe = options.subscribe({
    send: (batch) => {
      if (ready && !webContents.isDestroyed()) webContents.send(UPDATES_CHANNEL, batch);
    },
  });

  let closed = false;
  return {
    holdUpdates: () => {
      ready = false;
    },
    command: (command) => {
      if (!closed && !webContents.isDestroyed()) webContents.send(COMMANDS_CHANNEL, command);
    },
    close: () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      ready = false;
      ipcMain.removeListener(UPDATES_READY_CHANNEL, onReady);
      for (const channel of CHANNELS) ipcMain.removeHandler(channel);
      if (saveExport) ipcMain.removeHandler(SAVE_EXPORT_CHANNEL);
    },
  };
}
