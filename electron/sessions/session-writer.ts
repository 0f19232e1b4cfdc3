import { type FileHandle, open } from 'node:fs/promises';
import type { FinishedExchange } from '../capture/finished-exchange.ts';
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
  #lines: string[] = [];
  #scratch: Buffer = Buffer.allocUnsafe(256 * 1024);
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

  /** Queues an exchange's line; returns where it will be. */
  append(exchange: FinishedExchange): IndexEntry {
    // Kept as a string until written: a Buffer per line would be a malloc per exchange.
    const line = `${exchange.json}\n`;
    const length = Buffer.byteLength(line);
    const entry: IndexEntry = { offset: this.#offset, length, summary: exchange.summary };
    this.#offset += length;
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
        await this.#data.write(this.#encode(lines));
        await this.#index.write(this.#encode(indexLines));
      } catch (error) {
        this.#failure = error as Error;
        this.#onError(this.#failure);
      }
    });
    return this.#writing;
  }

  /**
   * Encodes lines into one reused buffer. Writes are serialised, so it is free again by the next
   * flush; reusing it keeps the allocator from growing the process with a fresh buffer per batch.
   */
  #encode(lines: string[]): Buffer {
    let bytes = 0;
    for (const line of lines) bytes += Buffer.byteLength(line);
    if (this.#scratch.length < bytes)
      this.#scratch = Buffer.allocUnsafe(Math.max(bytes, this.#scratch.length * 2));
    let at = 0;
    for (const line of lines) at += this.#scratch.write(line, at);
    return this.#scratch.subarray(0, at);
  }

  /** Flushes and closes both files. */
  async close(): Promise<void> {
    await this.flush();
    await this.#data.close();
    await this.#index.close();
  }
}
