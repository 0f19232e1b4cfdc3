import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExchangeRecord } from '../../shared/exchange-record.ts';
import { importSessionFile } from '../sessions/import-session-file.ts';
import { readSessionRecords, sessionIds } from '../sessions/session-reader.ts';

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
  return { label: id, records: await readSessionRecords(dataDir, id, warn) };
}
