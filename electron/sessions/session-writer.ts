import { type FileHandle, open } from 'node:fs/promises';
import type { ExchangeRecord } from '../../shared/exchange-record.ts';
import { summarise } from '../../shared/exchange-summary.ts';
import { type IndexEntry, indexLine } from './session-index.ts';

/** How long an appended record may wait before it is on disk. */
export const FLUSH_WITHIN_MS = 50;

/**
 * Appends exchange records to a session's JSONL file (one line each) and its index file (summary
 * plus byte offset), batching writes so that a record is on disk within `FLUSH_WITHIN_MS`. The
 * records themselves are not kept: only the returned index entry is.
 */
export class SessionWriter {
  readonly #data: FileHandle;
  readonly #index: FileHandle;
  #offset: number;
  #lines: Buffer[] = [];
  #indexLines: string[] = [];
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();
  #failure: Error | null = null;
  readonly #onError: (error: Error) => void;

  private constructor(data: FileHandle, index: FileHandle, offset: number, onError: (error: Error) => void) {
    this.#data = data;
    this.#index = index;
    this.#offset = offset;
    this.#onError = onError;
  }

  /** Opens (creating if needed) a session's data and index files for appending. */
  static async open(
    dataPath: string,
    indexPath: string,
    onError: (error: Error) => void,
  ): Promise<SessionWriter> {
    const data = await open(dataPath, 'a');
    const index = await open(indexPath, 'a');
    const { size } = await data.stat();
    return new SessionWriter(data, index, size, onError);
  }

  /** Bytes in the data file once everything appended is written. */
  get size(): number {
    return this.#offset;
  }

  /** Queues a record; returns where its line will be. */
  append(record: ExchangeRecord): IndexEntry {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    const entry: IndexEntry = { offset: this.#offset, length: line.length, summary: summarise(record) };
    this.#offset += line.length;
    this.#lines.push(line);
    this.#indexLines.push(indexLine(entry));
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_WITHIN_MS);
    return entry;
  }

  /** Writes everything queued so far; resolves once it is handed to the OS. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#lines.length === 0) return this.#writing;
    const lines = this.#lines;
    const indexLines = this.#indexLines;
    this.#lines = [];
    this.#indexLines = [];
    // Data before index: an index entry never points at bytes that are not on disk yet.
    this.#writing = this.#writing.then(async () => {
      if (this.#failure) return;
      try {
        await this.#data.write(Buffer.concat(lines));
        await this.#index.write(indexLines.join(''));
      } catch (error) {
        this.#failure = error as Error;
        this.#onError(this.#failure);
      }
    });
    return this.#writing;
  }

  /** Flushes and closes both files. */
  async close(): Promise<void> {
    await this.flush();
    await this.#data.close();
    await this.#index.close();
  }
}
