import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import type {
  AppCommand,
  ExportFormat,
  ExportRequest,
  InspectorHandlers,
} from '../../shared/contract/inspector-contract.ts';
import { errorMessage } from '../../shared/error-message.ts';
import { exportFileInfo, writeExportFile } from '../sessions/export-writer.ts';

export interface FileFilter {
  name: string;
  extensions: string[];
}

/** Native dialogs, as main.ts provides them from Electron's `dialog` (null: cancelled). */
export interface Dialogs {
  chooseFile(options: { title: string; filters: FileFilter[] }): Promise<string | null>;
  chooseSaveFile(options: {
    title: string;
    defaultPath: string;
    filters: FileFilter[];
  }): Promise<string | null>;
  message(options: { type: 'info' | 'error'; message: string; detail?: string }): Promise<void>;
}

export interface FileActionsOptions {
  handlers: InspectorHandlers;
  /** Streams an export (InspectorService.exportTo): a big session never sits in memory whole. */
  exportTo(request: ExportRequest, out: Writable): Promise<number>;
  dialogs: Dialogs;
  /** Tells the renderer what to show (after an import). */
  command(command: AppCommand): void;
  /** Where save dialogs start (the Downloads folder). */
  saveDir: string;
  /** The quick start text shown by Help → Quick Start. */
  quickStart: string;
}

/** The headless server's import limit: anything bigger is refused rather than read. */
const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

const IMPORT_FILTERS: FileFilter[] = [
  { name: 'Sessions (HAR, JSONL)', extensions: ['har', 'jsonl', 'json'] },
  { name: 'All files', extensions: ['*'] },
];

/**
 * The menu's file work in the main process: native dialogs, files read and written here, and the
 * same handlers the renderer calls, so a menu import or export is exactly the UI's.
 */
export function fileActions(options: FileActionsOptions) {
  const { handlers, dialogs } = options;

  const failed = (what: string) => (error: unknown) =>
    dialogs.message({
      type: 'error',
      message: `${what} failed`,
      detail: errorMessage(error),
    });

  /**
   * Asks where to save an export and streams it there; resolves with the path, or null when the
   * user cancels. Failures are thrown to the caller (the window shows them in its own UI).
   */
  async function saveExport(request: ExportRequest): Promise<string | null> {
    const sessionName = request.session ?? (await handlers['status.get']()).session.id;
    const { fileName } = exportFileInfo(request.format, sessionName);
    const path = await dialogs.chooseSaveFile({
      title: `Export ${request.format === 'har' ? 'HAR' : 'JSONL'}`,
      defaultPath: join(options.saveDir, fileName),
      filters: [{ name: request.format.toUpperCase(), extensions: [request.format] }],
    });
    if (path === null) return null;
    await writeExportFile(path, (out) => options.exportTo(request, out));
    return path;
  }

  return {
    async newSession(): Promise<void> {
      await handlers['sessions.create']().catch(failed('New session'));
    },

    async importFile(): Promise<void> {
      const path = await dialogs.chooseFile({ title: 'Import a session', filters: IMPORT_FILTERS });
      if (path === null) return;
      try {
        const { size } = await stat(path);
        if (size > MAX_IMPORT_BYTES) throw new Error(`${basename(path)} is over ${MAX_IMPORT_BYTES} bytes`);
        const content = await readFile(path, 'utf8');
        const result = await handlers['import.load']({ name: basename(path), content });
        options.command({ type: 'sessions.show', session: result.session.id });
        await dialogs.message({
          type: 'info',
          message: `Imported ${result.imported} exchange${result.imported === 1 ? '' : 's'}`,
          detail: `From ${basename(path)} into the session "${result.session.name}".`,
        });
      } catch (error) {
        await failed('Import')(error);
      }
    },

    saveExport,

    /** File → Export: the current session. */
    async exportSession(format: ExportFormat): Promise<void> {
      try {
        await saveExport({ format, session: null, ids: null });
      } catch (error) {
        await failed('Export')(error);
      }
    },

    async quickStart(): Promise<void> {
      const status = await handlers['status.get']();
      const address = status.proxyUrl
        ? `The proxy is listening: set your SDK's base_url to ${status.proxyUrl}/v1`
        : `The proxy is not listening${status.error ? `: ${status.error}` : ''}. Change its address in the settings.`;
      await dialogs.message({
        type: 'info',
        message: 'Quick start',
        detail: `${address}\n\n${options.quickStart}`,
      });
    },
  };
}

export type FileActions = ReturnType<typeof fileActions>;
