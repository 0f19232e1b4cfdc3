import { open } from 'node:fs/promises';
import { errorMessage } from '../../shared/error-message.ts';
import { blockLine } from '../../shared/exchange/message-blocks.ts';
import { type FinishedExchange, lineBytes, type StoredBlock } from '../capture/finished-exchange.ts';
import { FILE_MODE } from '../data-dir.ts';
import { MATCHES_ALL, SidecarAppender } from '../search/search-sidecar.ts';
import { type BlockSpan, blockIndexLine, type IndexEntry, indexLine } from './session-index.ts';

/** How long an appended record may wait before it is on disk. */
export const FLUSH_WITHIN_MS = 50;
/** Waiting bytes that are written at once rather than at the end of the batching window: big records need no company. */
export const FLUSH_AT_BYTES = 1024 * 1024;
/** Records waiting while writes fail are kept up to this many bytes; older ones are then given up. */
export const WAITING_LIMIT_BYTES = 64 * 1024 * 1024;
/** After a failed write, the next try comes after this long, doubling up to `RETRY_MAX_MS`. */
export const RETRY_FIRST_MS = 100;
export const RETRY_MAX_MS = 5000;

/** The part of an opened file the writer uses: a `FileHandle` is one (the seam tests inject faults at). */
export interface WriterFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/** Opens a file for appending, created with mode 600. */
export type OpenForAppend = (path: string) => Promise<WriterFile>;

const openForAppend: OpenForAppend = (path) => open(path, 'a', FILE_MODE);

/** Whether the writer's records reach the disk; `failing` carries the last error, in plain words. */
export type WriterHealth =
  | { state: 'ok'; lost: number }
  | { state: 'failing'; error: string; since: string; waiting: number; lost: number };

export interface SessionWriterEvents {
  /** These entries' lines are on disk now (in file order), and these message blocks' lines before them. */
  written(entries: IndexEntry[], blocks: ReadonlyMap<string, BlockSpan>): void;
  /** The health changed (a write failed, writes work again, records were given up). */
  health(health: WriterHealth): void;
}

interface Waiting {
  /** The record's line (UTF-8 bytes from the analysis worker, or text). */
  line: Uint8Array | string;
  /** The line's bytes plus those of `blocks`' texts (what waiting costs in memory). */
  bytes: number;
  lineBytes: number;
  summary: IndexEntry['summary'];
  summaryJson: string;
  signature: Uint32Array;
  /** The blocks the record refers to that were not in the file when it was appended. */
  blocks: readonly StoredBlock[];
}

/** A line of a batch being written: a block's (with its hash) or a record's. */
type BatchLine =
  | { line: string; bytes: number; hash: string }
  | { line: Uint8Array | string; bytes: number; waiting: Waiting };

/**
 * Appends exchange records to a session's JSONL file (one line each) and its index file (summary
 * plus byte offset), batching writes so that a record is on disk within `FLUSH_WITHIN_MS`. A
 * record's offset is fixed only once its line is written, and `written` tells the store, so what
 * the store lists is what is on disk.
 *
 * A failed write (a full disk) never leaves part of a batch behind: the file is cut back to the
 * last whole line, the batch waits (up to `WAITING_LIMIT_BYTES`, the oldest given up beyond), and
 * writing is tried again after a backoff, so capture resumes by itself once space is freed.
 */
export class SessionWriter {
  readonly #data: WriterFile;
  readonly #index: WriterFile;
  /** The search sidecar (see electron/search/search-sidecar.ts); null when there is none. */
  readonly #sidecar: SidecarAppender | null;
  readonly #events: SessionWriterEvents;
  readonly #now: () => number;
  /** Bytes of whole lines in the data file. */
  #offset: number;
  #indexOffset: number;
  #waiting: Waiting[] = [];
  #waitingBytes = 0;
  /** The message blocks whose lines are in the data file: each is written once, before the first record that refers to it. */
  readonly #blocks = new Map<string, BlockSpan>();
  /** Index lines of written records not yet in the index file. */
  #indexLines: string[] = [];
  #scratch: Buffer = Buffer.allocUnsafe(256 * 1024);
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> = Promise.resolve();
  #failure: { error: string; since: string } | null = null;
  #retryMs = RETRY_FIRST_MS;
  #lost = 0;
  #closed = false;
  /** A flush is due on the next turn (enough bytes wait). */
  #soon = false;
  /** Where a file must be cut back to before its next write (a failed write and a failed cut). */
  readonly #cutBack = new Map<WriterFile, number>();

  private constructor(
    data: WriterFile,
    index: WriterFile,
    sidecar: SidecarAppender | null,
    sizes: { data: number; index: number },
    events: SessionWriterEvents,
    now: () => number,
  ) {
    this.#data = data;
    this.#index = index;
    this.#sidecar = sidecar;
    this.#offset = sizes.data;
    this.#indexOffset = sizes.index;
    this.#events = events;
    this.#now = now;
  }

  /**
   * Opens (creating if needed, mode 600) a session's data and index files for appending, and with
   * `sidecarPath` starts its search sidecar (only for a new, empty session: its entries are the
   * session's from the first).
   */
  static async open(
    dataPath: string,
    indexPath: string,
    events: SessionWriterEvents,
    options: { openFile?: OpenForAppend; now?: () => number; sidecarPath?: string } = {},
  ): Promise<SessionWriter> {
    const openFile = options.openFile ?? openForAppend;
    const data = await openFile(dataPath);
    const index = await openFile(indexPath).catch(async (error: unknown) => {
      await data.close();
      throw error;
    });
    const sizes = { data: (await data.stat()).size, index: (await index.stat()).size };
    const sidecar =
      options.sidecarPath !== undefined && sizes.data === 0
        ? await SidecarAppender.create(options.sidecarPath)
        : null;
    return new SessionWriter(data, index, sidecar, sizes, events, options.now ?? Date.now);
  }

  /** Bytes of whole lines in the data file. */
  get size(): number {
    return this.#offset;
  }

  get health(): WriterHealth {
    return this.#failure
      ? { state: 'failing', ...this.#failure, waiting: this.#waiting.length, lost: this.#lost }
      : { state: 'ok', lost: this.#lost };
  }

  /** Queues an exchange's line; `written` tells when it is on disk. */
  append(exchange: FinishedExchange): void {
    const { line } = exchange;
    const bytesOfLine = lineBytes(line);
    let bytes = bytesOfLine;
    const blocks: StoredBlock[] = [];
    for (const block of exchange.blocks ?? []) {
      if (this.#blocks.has(block.hash)) continue;
      blocks.push(block);
      bytes += block.text.length;
    }
    const { summary, summaryJson, signature = MATCHES_ALL } = exchange;
    this.#waiting.push({ line, bytes, lineBytes: bytesOfLine, summary, summaryJson, signature, blocks });
    this.#waitingBytes += bytes;
    if (this.#failure) this.#giveUpBeyondLimit();
    // While failing, the retry timer is what writes next.
    if (this.#failure) return;
    if (this.#waitingBytes >= FLUSH_AT_BYTES && !this.#soon) {
      this.#soon = true;
      setImmediate(() => {
        this.#soon = false;
        void this.flush();
      });
    }
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_WITHIN_MS);
  }

  /** Writes everything queued so far; resolves once it is handed to the OS (or the try failed). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#writing = this.#writing.then(() => this.#writeWaiting());
    return this.#writing;
  }

  async #writeWaiting(): Promise<void> {
    if (this.#waiting.length === 0 && this.#indexLines.length === 0) return;
    // Taken out while it is written: appends meanwhile go to a fresh queue behind it.
    const batch = this.#waiting;
    this.#waiting = [];
    try {
      if (batch.length > 0) {
        const lines = this.#batchLines(batch);
        try {
          await this.#appendWhole(this.#data, lines, this.#offset, 'data');
        } catch (error) {
          this.#waiting = batch.concat(this.#waiting);
          throw error;
        }
        const entries: IndexEntry[] = [];
        const signed: Array<{ offset: number; signature: Uint32Array }> = [];
        const blocks = new Map<string, BlockSpan>();
        for (const line of lines) {
          const span = { offset: this.#offset, length: line.bytes };
          this.#offset += line.bytes;
          if ('hash' in line) {
            this.#blocks.set(line.hash, span);
            blocks.set(line.hash, span);
            this.#indexLines.push(blockIndexLine(line.hash, span));
            continue;
          }
          const entry = { ...span, summary: line.waiting.summary };
          this.#waitingBytes -= line.waiting.bytes;
          entries.push(entry);
          signed.push({ offset: span.offset, signature: line.waiting.signature });
          this.#indexLines.push(indexLine(span.offset, span.length, line.waiting.summaryJson));
        }
        // Before they are listed: a search then finds their signatures saved (it never waits on a failed one).
        await this.#sidecar?.append(signed);
        this.#events.written(entries, blocks);
      }
      // Data before index: an index entry never points at bytes that are not on disk yet.
      const indexLines = this.#indexLines;
      const indexBytes = await this.#appendWhole(
        this.#index,
        indexLines.map((line) => ({ line })),
        this.#indexOffset,
        'index',
      );
      this.#indexOffset += indexBytes;
      this.#indexLines = this.#indexLines.slice(indexLines.length);
      if (this.#failure) {
        this.#failure = null;
        this.#retryMs = RETRY_FIRST_MS;
        this.#events.health(this.health);
      }
    } catch (error) {
      this.#failed(error);
    }
  }

  /** The lines for a batch: each record's line, after the lines of the blocks it needs that the file lacks. */
  #batchLines(batch: readonly Waiting[]): BatchLine[] {
    const lines: BatchLine[] = [];
    const added = new Set<string>();
    for (const waiting of batch) {
      for (const { hash, text } of waiting.blocks) {
        if (this.#blocks.has(hash) || added.has(hash)) continue;
        added.add(hash);
        const line = `${blockLine(hash, text)}\n`;
        lines.push({ line, bytes: Buffer.byteLength(line), hash });
      }
      lines.push({ line: waiting.line, bytes: waiting.lineBytes, waiting });
    }
    return lines;
  }

  /**
   * Appends these lines as one write (looping over short writes); on failure, cuts the file back
   * to `wholeUpTo` so no torn line is left for a reader, and rethrows.
   */
  async #appendWhole(
    file: WriterFile,
    lines: readonly { line: string | Uint8Array; bytes?: number }[],
    wholeUpTo: number,
    which: string,
  ): Promise<number> {
    if (lines.length === 0) return 0;
    const buffer = this.#encode(lines);
    // A failed write may have left part of a line whatever it reported: cut back before anything else.
    const cut = this.#cutBack.get(file);
    if (cut !== undefined) {
      await file.truncate(cut);
      this.#cutBack.delete(file);
    }
    let done = 0;
    try {
      while (done < buffer.length) {
        const { bytesWritten } = await file.write(buffer, done, buffer.length - done);
        if (bytesWritten <= 0) throw new Error(`the ${which} file took no bytes`);
        done += bytesWritten;
      }
    } catch (error) {
      this.#cutBack.set(file, wholeUpTo);
      await file.truncate(wholeUpTo).then(
        () => this.#cutBack.delete(file),
        () => undefined,
      );
      throw error;
    }
    return buffer.length;
  }

  #failed(error: unknown): void {
    const message = errorMessage(error);
    const first = this.#failure === null;
    this.#failure = { error: message, since: this.#failure?.since ?? new Date(this.#now()).toISOString() };
    this.#giveUpBeyondLimit();
    if (first || message !== this.#failure.error) this.#events.health(this.health);
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    // unref: a retry alone never keeps the process alive.
    this.#timer = setTimeout(() => void this.flush(), this.#retryMs);
    this.#timer.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }

  /** Gives up the oldest waiting records beyond `WAITING_LIMIT_BYTES` (memory stays bounded). */
  #giveUpBeyondLimit(): void {
    let dropped = 0;
    while (this.#waitingBytes > WAITING_LIMIT_BYTES && this.#waiting.length > 1) {
      const oldest = this.#waiting.shift() as Waiting;
      this.#waitingBytes -= oldest.bytes;
      dropped++;
    }
    if (dropped === 0) return;
    this.#lost += dropped;
    this.#events.health(this.health);
  }

  /**
   * Puts lines into one reused buffer: records' lines are bytes already (copied as they are),
   * others are encoded. Writes are serialised, so it is free again by the next flush; reusing it
   * keeps the allocator from growing the process with a fresh buffer per batch.
   */
  #encode(lines: readonly { line: string | Uint8Array; bytes?: number }[]): Buffer {
    let bytes = 0;
    for (const { line, bytes: known } of lines) bytes += known ?? lineBytes(line);
    if (this.#scratch.length < bytes)
      this.#scratch = Buffer.allocUnsafe(Math.max(bytes, this.#scratch.length * 2));
    let at = 0;
    for (const { line } of lines) {
      if (typeof line === 'string') at += this.#scratch.write(line, at);
      else {
        this.#scratch.set(line, at);
        at += line.byteLength;
      }
    }
    return this.#scratch.subarray(0, at);
  }

  /** Flushes (one last try if writes are failing) and closes both files; resolves with what was given up. */
  async close(): Promise<WriterHealth> {
    this.#closed = true;
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#lost += this.#waiting.length;
    this.#waiting = [];
    await this.#data.close();
    await this.#index.close();
    await this.#sidecar?.close();
    return this.health;
  }
}
