import type { ExportFormat } from '../../shared/contract/inspector-contract.ts';
import type { BlockSpan } from './session-index.ts';

/** What a session file worker is started to do (its `workerData`). */
export type FileJob =
  | {
      kind: 'import';
      /** The file's name (it helps tell HAR from JSONL when the content cannot). */
      name: string;
      /** The file on disk (streamed when it is JSONL), or null when `text` holds it. */
      path: string | null;
      text: string | null;
      /** Where the new session's data and index files are written (temp names, renamed by the caller). */
      dataPath: string;
      indexPath: string;
      /** Where its search sidecar is saved (a temp name too). */
      sidecarPath: string;
    }
  | {
      kind: 'export';
      format: ExportFormat;
      dataPath: string;
      /** Offset and length of each record's line, in export order, flat. */
      spans: Float64Array;
      /** The session's message blocks, which the records' request bodies refer to. */
      blocks: Map<string, BlockSpan>;
    };

export type FromFileWorker =
  | { type: 'piece'; text: string }
  | { type: 'done'; count: number }
  | { type: 'failed'; message: string };

export type ToFileWorker = { type: 'more' };
