import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { importSessionFile } from '../sessions/import-session-file.ts';
import { loadIndex, readRecord, readRecords } from '../sessions/session-index.ts';
import { sessionIds } from '../sessions/session-reader.ts';
import { lightRecording } from './recording-loader.ts';

/**
 * The records to replay from a command-line argument: a HAR or JSONL file when the path exists,
 * else a session id in the data directory (or `latest`). Throws an Error saying what was tried.
 */
export async function loadReplaySource(
  which: string,
  dataDir: string,
  warn: (message: string) => void,
): Promise<{ label: string; records: ExchangeRecord[] }> {
  const file = await stat(which).catch(() => null);
  if (file?.isFile()) {
    const records = importSessionFile(basename(which), await readFile(which, 'utf8'));
    return { label: basename(which), records };
  }
  const ids = await sessionIds(dataDir);
  const id = which === 'latest' ? ids[0] : which;
  if (!id || !ids.includes(id)) {
    throw new Error(
      which === 'latest'
        ? `there are no sessions in ${dataDir}`
        : `"${which}" is neither a file nor a session in ${dataDir} (see \`tokentap sessions\`)`,
    );
  }
  return { label: id, records: await lightSessionRecords(dataDir, id, warn) };
}

/**
 * A session's records read one at a time and kept light (see recording-loader.ts): each full
 * record is read back from its line when it answers, so replaying a session of any size holds
 * only its request bodies.
 */
async function lightSessionRecords(
  dataDir: string,
  id: string,
  warn: (message: string) => void,
): Promise<ExchangeRecord[]> {
  const dataPath = join(dataDir, 'sessions', `${id}.jsonl`);
  const { entries, blocks, warnings } = await loadIndex(
    dataPath,
    join(dataDir, 'sessions', `${id}.index.jsonl`),
  );
  for (const warning of warnings) warn(warning);
  const records: ExchangeRecord[] = [];
  let i = 0;
  for await (const record of readRecords(dataPath, entries, blocks)) {
    const entry = entries[i++] as (typeof entries)[number];
    records.push(lightRecording(record, () => readRecord(dataPath, entry, blocks)));
  }
  return records;
}
