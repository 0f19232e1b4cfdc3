import { readFile } from 'node:fs/promises';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { type ThreadSeed, threadSeeds } from '../../shared/threads/thread-seeds.ts';

const THREAD_ID = Buffer.from('"thread":{"id":"');
const RESUME = Buffer.from('"resume":');
const TITLE = Buffer.from('"title":');
const NEWLINE = 10;
const QUOTE = 34;

/** The thread id on one index line (bytes `start` to `end`), or null. */
function threadIdOf(bytes: Buffer, start: number, end: number): string | null {
  const line = bytes.subarray(start, end);
  const at = line.indexOf(THREAD_ID);
  if (at === -1) return null;
  const from = at + THREAD_ID.length;
  const to = line.indexOf(QUOTE, from);
  return to === -1 ? null : line.toString('latin1', from, to);
}

/** The summary on one index line, or null when the line does not parse. */
function summaryOf(bytes: Buffer, start: number, end: number): ExchangeSummary | null {
  try {
    const parsed = JSON.parse(bytes.toString('utf8', start, end)) as { s?: unknown };
    return typeof parsed.s === 'object' && parsed.s !== null ? (parsed.s as ExchangeSummary) : null;
  } catch {
    return null;
  }
}

/**
 * The seeds of a session's threads read from its index file without parsing all of it: each
 * thread's latest line is found from the end of the file and the lines that carry titles by a
 * byte search, and only those lines are parsed (no record is read). Lines the index does not
 * cover yet (written just before a crash) seed nothing.
 */
export async function readThreadSeeds(indexPath: string, limit = 500): Promise<ThreadSeed[]> {
  const bytes = await readFile(indexPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  });
  /** Thread id → its latest line's summary (a line that does not parse, torn by a crash, is passed over). */
  const latest = new Map<string, { start: number; summary: ExchangeSummary }>();
  let end = bytes.length;
  while (end > 0 && latest.size < limit) {
    const start = end < 2 ? 0 : bytes.lastIndexOf(NEWLINE, end - 2) + 1;
    const id = threadIdOf(bytes, start, end);
    if (id !== null && !latest.has(id) && bytes.subarray(start, end).includes(RESUME)) {
      const summary = summaryOf(bytes, start, end);
      if (summary !== null) latest.set(id, { start, summary });
    }
    end = start;
  }
  /** Thread id → its earliest line that carries a title (one a thread, a session). */
  const titled = new Map<string, [number, number]>();
  for (let at = bytes.indexOf(TITLE); at !== -1; ) {
    const start = at === 0 ? 0 : bytes.lastIndexOf(NEWLINE, at) + 1;
    const newline = bytes.indexOf(NEWLINE, at);
    const stop = newline === -1 ? bytes.length : newline + 1;
    const id = threadIdOf(bytes, start, stop);
    if (id !== null && latest.has(id) && !titled.has(id)) titled.set(id, [start, stop]);
    at = bytes.indexOf(TITLE, stop);
  }
  const lines = [
    ...[...latest.values()].map(({ start, summary }) => ({ start, summary })),
    ...[...titled.values()].map(([start, stop]) => ({ start, summary: summaryOf(bytes, start, stop) })),
  ].sort((a, b) => a.start - b.start);
  const summaries: ExchangeSummary[] = [];
  for (const { summary } of lines) if (summary !== null) summaries.push(summary);
  return threadSeeds(summaries, limit);
}
