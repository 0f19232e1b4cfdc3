import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { loadIndex, readRecords } from './session-index.ts';

/** The session ids in a data directory, newest first, without opening or creating anything. */
export async function sessionIds(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'sessions')).catch(() => [] as string[]);
  return names
    .filter((name) => name.endsWith('.jsonl') && !name.endsWith('.index.jsonl') && !name.startsWith('.'))
    .map((name) => name.slice(0, -'.jsonl'.length))
    .sort()
    .reverse();
}

/** Every record of a session, in capture order, read-only (safe while a server appends to it). */
export async function readSessionRecords(
  dataDir: string,
  id: string,
  warn: (message: string) => void,
): Promise<ExchangeRecord[]> {
  const records: ExchangeRecord[] = [];
  for await (const record of sessionRecords(dataDir, id, warn)) records.push(record);
  return records;
}

/** The same, one record at a time as they are read: for sessions too large to hold. */
export async function* sessionRecords(
  dataDir: string,
  id: string,
  warn: (message: string) => void,
): AsyncGenerator<ExchangeRecord> {
  const dataPath = join(dataDir, 'sessions', `${id}.jsonl`);
  const { entries, blocks, warnings } = await loadIndex(
    dataPath,
    join(dataDir, 'sessions', `${id}.index.jsonl`),
  );
  for (const warning of warnings) warn(warning);
  yield* readRecords(dataPath, entries, blocks);
}
