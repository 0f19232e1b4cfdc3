import type { ExportFormat, ExportRequest } from '../../../shared/contract/inspector-contract.ts';
import { withCallOptions } from '../../api/call-options.ts';
import { countOf } from '../../format.ts';
import type { StoreKit } from '../store-kit.ts';

/** Export and import of sessions. */
export function fileActions({ api, get, actions }: StoreKit) {
  /** Exports the session (or only the filtered rows) the transport's way: a save dialog or a download. */
  async function exportExchanges(format: ExportFormat, scope: 'all' | 'filtered'): Promise<void> {
    const { viewSession, ids } = get();
    const request: ExportRequest = {
      format,
      session: viewSession,
      ids: scope === 'filtered' ? [...ids] : null,
    };
    const what = scope === 'filtered' ? countOf(ids.length, 'filtered exchange') : 'the session';
    const path = await actions.runTask(`Exporting ${what} as ${format.toUpperCase()}`, (options) =>
      withCallOptions(api, options).saveExport(request),
    );
    if (path) actions.notify('info', `Exported to ${path}`);
  }

  /** Imports a HAR or JSONL file into a new session and opens it. */
  async function importFile(file: File): Promise<void> {
    const result = await actions.runTask(`Importing ${file.name}`, async (options) => {
      const content = await file.text();
      options.signal.throwIfAborted();
      return withCallOptions(api, options).import.load({ name: file.name, content });
    });
    if (!result) return;
    actions.notify('info', `Imported ${countOf(result.imported, 'exchange')} into ${result.session.name}`);
    await actions.refreshSessions();
    await actions.loadSession(result.session.current ? null : result.session.id);
  }

  return { exportExchanges, importFile };
}
