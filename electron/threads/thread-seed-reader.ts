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
  /** Thread id → where its latest line starts and ends. */
  const latest = new Map<string, [number, number]>();
  let end = bytes.length;
  while (end > 0 && latest.size < limit) {
    const start = end < 2 ? 0 : bytes.lastIndexOf(NEWLINE, end - 2) + 1;
    const id = threadIdOf(bytes, start, end);
    if (id !== null && !latest.has(id) && bytes.subarray(start, end).includes(RESUME))
      latest.set(id, [start, end]);
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
  const byStart = new Map([...latest.values(), ...titled.values()].map((line) => [line[0], line]));
  const summaries: ExchangeSummary[] = [];
  for (const [start, stop] of [...byStart.values()].sort((a, b) => a[0] - b[0])) {
    try {
      const parsed = JSON.parse(bytes.toString('utf8', start, stop)) as { s?: ExchangeSummary };
      if (parsed.s && typeof parsed.s === 'object') summaries.push(parsed.s);
    } catch {
      // A damaged line seeds nothing.
    }
  }
  return threadSeeds(summaries, limit);
}
