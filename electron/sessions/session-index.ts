import { open, stat } from 'node:fs/promises';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { upgradeRecord, upgradeSummary } from '../../shared/exchange/exchange-record-upgrade.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import { blockRefs, isBlockLine, withBodyJoined } from '../../shared/exchange/message-blocks.ts';

/** Where one exchange's line is in a session file, and its summary. */
export interface IndexEntry {
  offset: number;
  length: number;
  summary: ExchangeSummary;
}

/** Where a message block's line is in a session file. */
export interface BlockSpan {
  offset: number;
  length: number;
}

/** A session file's message blocks by hash (see shared/exchange/message-blocks.ts). */
export type BlockSpans = ReadonlyMap<string, BlockSpan>;

const NO_BLOCKS: BlockSpans = new Map();

/**
 * One line of a session's index file: `{"o": offset, "n": length, "s": summary}`, the summary given
 * as JSON (made with it in the analysis worker: the thread that writes does not serialise it).
 */
export function indexLine(offset: number, length: number, summaryJson: string): string {
  return `{"o":${offset},"n":${length},"s":${summaryJson}}\n`;
}

/** The index line of a block line: `{"o", "n", "b": hash}`. */
export function blockIndexLine(hash: string, span: BlockSpan): string {
  return `${JSON.stringify({ o: span.offset, n: span.length, b: hash })}\n`;
}

export interface LoadedIndex {
  entries: IndexEntry[];
  /** The session's message blocks. */
  blocks: Map<string, BlockSpan>;
  /** Problems skipped while loading (a torn last line after a crash), in plain words. */
  warnings: string[];
}

/**
 * Loads a session's index: the index file first (small: summaries only), then any complete lines
 * of the data file the index does not cover yet (written just before a crash). A torn last line is
 * skipped with a warning, never a failure.
 */
export async function loadIndex(dataPath: string, indexPath: string): Promise<LoadedIndex> {
  const warnings: string[] = [];
  const dataSize = (await stat(dataPath)).size;
  const entries: IndexEntry[] = [];
  const blocks = new Map<string, BlockSpan>();
  let covered = 0;
  const indexText = await readText(indexPath);
  if (indexText !== null) {
    const lines = indexText.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line === '') continue;
      const entry = parseIndexLine(line);
      // Entries are in file order; one that is unreadable or points past the data ends the index.
      if (!entry || entry.offset !== covered || entry.offset + entry.length > dataSize) {
        if (i < lines.length - 1 || entry)
          warnings.push(`index line ${i + 1} is damaged; reading the session file instead`);
        break;
      }
      if ('hash' in entry) blocks.set(entry.hash, { offset: entry.offset, length: entry.length });
      else entries.push(entry);
      covered = entry.offset + entry.length;
    }
  }
  if (covered < dataSize) await scanData(dataPath, covered, dataSize, entries, blocks, warnings);
  return { entries, blocks, warnings };
}

/** Reads one record back from its line (its request body joined from the session's `blocks`). */
export async function readRecord(
  dataPath: string,
  entry: IndexEntry,
  blocks: BlockSpans = NO_BLOCKS,
): Promise<ExchangeRecord> {
  for await (const record of readRecords(dataPath, [entry], blocks)) return record;
  throw new Error('unreachable: readRecords yields one record per entry');
}

/** Block texts kept while records are read: a long agent session refers to the same blocks again and again. */
const BLOCK_CACHE_CHARS = 32 * 1024 * 1024;
/** Block lines this close together are read in one go, the bytes between them read and dropped. */
const BLOCK_GAP_BYTES = 64 * 1024;

/** How much of a data file one read takes in when many records are read. */
const READ_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * The records at these index entries, in the order given, read as they are asked for: one open
 * file and large reads that each take in many lines (not a read per record), and never more than
 * one window of the file in memory, so a session of any size can be streamed out.
 */
export async function* readRecords(
  dataPath: string,
  entries: readonly IndexEntry[],
  blocks: BlockSpans = NO_BLOCKS,
): AsyncGenerator<ExchangeRecord> {
  if (entries.length === 0) return;
  const handle = await open(dataPath, 'r');
  try {
    let window = Buffer.alloc(0);
    let windowStart = 0;
    const texts = new Map<string, string>();
    let textChars = 0;
    const keep = (hash: string, line: string, found: Map<string, string>): void => {
      const parsed: unknown = JSON.parse(line);
      if (!isBlockLine(parsed) || parsed.block !== hash) return;
      found.set(hash, parsed.text);
      if (textChars + parsed.text.length > BLOCK_CACHE_CHARS) {
        texts.clear();
        textChars = 0;
      }
      texts.set(hash, parsed.text);
      textChars += parsed.text.length;
    };
    /** The texts of these blocks: nearby lines in one read (a record's blocks are mostly close together). */
    const readBlocks = async (hashes: readonly string[]): Promise<Map<string, string>> => {
      const found = new Map<string, string>();
      const spans: Array<BlockSpan & { hash: string }> = [];
      for (const hash of hashes) {
        const text = texts.get(hash);
        const span = blocks.get(hash);
        if (text !== undefined) found.set(hash, text);
        else if (span !== undefined && !found.has(hash)) spans.push({ ...span, hash });
      }
      spans.sort((a, b) => a.offset - b.offset);
      for (let i = 0; i < spans.length; ) {
        const first = spans[i] as BlockSpan;
        let end = first.offset + first.length;
        let j = i + 1;
        for (; j < spans.length; j++) {
          const next = spans[j] as BlockSpan;
          if (
            next.offset - end > BLOCK_GAP_BYTES ||
            next.offset + next.length - first.offset > READ_WINDOW_BYTES
          )
            break;
          end = Math.max(end, next.offset + next.length);
        }
        const inWindow = first.offset >= windowStart && end <= windowStart + window.length;
        let buffer = window;
        let base = windowStart;
        if (!inWindow) {
          buffer = Buffer.allocUnsafe(end - first.offset);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, first.offset);
          buffer = buffer.subarray(0, bytesRead);
          base = first.offset;
        }
        for (; i < j; i++) {
          const span = spans[i] as BlockSpan & { hash: string };
          if (span.offset + span.length - base <= buffer.length)
            keep(
              span.hash,
              buffer.toString('utf8', span.offset - base, span.offset + span.length - base),
              found,
            );
        }
      }
      return found;
    };
    for (const entry of entries) {
      const end = entry.offset + entry.length;
      if (entry.offset < windowStart || end > windowStart + window.length) {
        const size = entries.length === 1 ? entry.length : Math.max(READ_WINDOW_BYTES, entry.length);
        const buffer = Buffer.allocUnsafe(size);
        const { bytesRead } = await handle.read(buffer, 0, size, entry.offset);
        if (bytesRead < entry.length)
          throw new Error(
            `${dataPath}: the line at byte ${entry.offset} ends before its ${entry.length} bytes`,
          );
        window = buffer.subarray(0, bytesRead);
        windowStart = entry.offset;
      }
      const record = JSON.parse(
        window.toString('utf8', entry.offset - windowStart, end - windowStart),
      ) as ExchangeRecord;
      const refs = blockRefs(record);
      if (refs.length === 0) {
        yield upgradeRecord(record);
        continue;
      }
      const found = await readBlocks(refs);
      for (const hash of refs)
        if (!found.has(hash))
          throw new Error(
            `${dataPath}: the record at byte ${entry.offset} refers to a message block that is not in the file`,
          );
      yield upgradeRecord(withBodyJoined(record, (hash) => found.get(hash)));
    }
  } finally {
    await handle.close();
  }
}

function parseIndexLine(line: string): IndexEntry | (BlockSpan & { hash: string }) | null {
  try {
    const value = JSON.parse(line) as { o?: unknown; n?: unknown; s?: unknown; b?: unknown };
    if (typeof value.o !== 'number' || typeof value.n !== 'number') return null;
    if (typeof value.b === 'string') return { offset: value.o, length: value.n, hash: value.b };
    if (typeof value.s !== 'object' || !value.s) {
      return null;
    }
    return { offset: value.o, length: value.n, summary: upgradeSummary(value.s as ExchangeSummary) };
  } catch {
    return null;
  }
}

/** Parses the data file's lines from `start`, adding an entry per complete, valid record. */
async function scanData(
  path: string,
  start: number,
  end: number,
  entries: IndexEntry[],
  blocks: Map<string, BlockSpan>,
  warnings: string[],
) {
  const handle = await open(path, 'r');
  try {
    const stream = handle.createReadStream({ start, end: end - 1, highWaterMark: 1 << 20 });
    let offset = start;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineNo = entries.length + blocks.size;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        const piece = chunk.subarray(from, nl + 1);
        const line = pendingBytes ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        lineNo++;
        const entry = parseDataLine(line, offset);
        if (entry && 'hash' in entry) blocks.set(entry.hash, { offset, length: line.length });
        else if (entry) entries.push(entry);
        else warnings.push(`line ${lineNo} of the session file is not a valid record and was skipped`);
        offset += line.length;
        from = nl + 1;
      }
      if (from < chunk.length) {
        pending.push(chunk.subarray(from));
        pendingBytes += chunk.length - from;
      }
    }
    if (pendingBytes > 0) {
      warnings.push(
        `the last line of the session file is incomplete (${pendingBytes} bytes, probably cut by a crash) and was skipped`,
      );
    }
  } finally {
    await handle.close();
  }
}

function parseDataLine(line: Buffer, offset: number): IndexEntry | { hash: string } | null {
  try {
    const record = JSON.parse(line.toString('utf8')) as ExchangeRecord;
    if (isBlockLine(record)) return { hash: record.block };
    if (typeof record?.id !== 'string') return null;
    return { offset, length: line.length, summary: summarise(upgradeRecord(record)) };
  } catch {
    return null;
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    const handle = await open(path, 'r');
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
