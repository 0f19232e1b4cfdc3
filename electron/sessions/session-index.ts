import { open, stat } from 'node:fs/promises';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import { upgradeRecord, upgradeSummary } from '../../shared/exchange-record-upgrade.ts';
import { summarise } from '../../shared/exchange-summary.ts';

/** Where one exchange's line is in a session file, and its summary. */
export interface IndexEntry {
  offset: number;
  length: number;
  summary: ExchangeSummary;
}

/** One line of a session's index file. */
export function indexLine(entry: IndexEntry): string {
  return `${JSON.stringify({ o: entry.offset, n: entry.length, s: entry.summary })}\n`;
}

export interface LoadedIndex {
  entries: IndexEntry[];
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
      entries.push(entry);
      covered = entry.offset + entry.length;
    }
  }
  if (covered < dataSize) await scanData(dataPath, covered, dataSize, entries, warnings);
  return { entries, warnings };
}

/** Reads one record back from its line. */
export async function readRecord(dataPath: string, entry: IndexEntry): Promise<ExchangeRecord> {
  for await (const record of readRecords(dataPath, [entry])) return record;
  throw new Error('unreachable: readRecords yields one record per entry');
}

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
): AsyncGenerator<ExchangeRecord> {
  if (entries.length === 0) return;
  const handle = await open(dataPath, 'r');
  try {
    let window = Buffer.alloc(0);
    let windowStart = 0;
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
      yield upgradeRecord(
        JSON.parse(window.toString('utf8', entry.offset - windowStart, end - windowStart)) as ExchangeRecord,
      );
    }
  } finally {
    await handle.close();
  }
}

function parseIndexLine(line: string): IndexEntry | null {
  try {
    const value = JSON.parse(line) as { o?: unknown; n?: unknown; s?: unknown };
    if (
      typeof value.o !== 'number' ||
      typeof value.n !== 'number' ||
      typeof value.s !== 'object' ||
      !value.s
    ) {
      return null;
    }
    return { offset: value.o, length: value.n, summary: upgradeSummary(value.s as ExchangeSummary) };
  } catch {
    return null;
  }
}

/** Parses the data file's lines from `start`, adding an entry per complete, valid record. */
async function scanData(path: string, start: number, end: number, entries: IndexEntry[], warnings: string[]) {
  const handle = await open(path, 'r');
  try {
    const stream = handle.createReadStream({ start, end: end - 1, highWaterMark: 1 << 20 });
    let offset = start;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineNo = entries.length;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        const piece = chunk.subarray(from, nl + 1);
        const line = pendingBytes ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        pendingBytes = 0;
        lineNo++;
        const entry = parseDataLine(line, offset);
        if (entry) entries.push(entry);
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

function parseDataLine(line: Buffer, offset: number): IndexEntry | null {
  try {
    const record = JSON.parse(line.toString('utf8')) as ExchangeRecord;
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
