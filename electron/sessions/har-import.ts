import { errorMessage } from '../../shared/error-message.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { describe } from '../../shared/exchange/shape-check.ts';
import { isTokentapHarEntry, tokentapHarEntryToRecord } from '../../shared/export-formats/har-format.ts';
import { isRecord } from '../../shared/wire/json-fields.ts';
import { foreignHarEntryToRecord } from './foreign-har-entry.ts';

/**
 * The records of a HAR document, all or nothing. Entries Tokentap wrote come back exactly as
 * they were; foreign entries (Chrome, HTTP Toolkit, mitmproxy) are analysed as live capture
 * would. A bad entry throws an Error naming it: `entries[4]: missing field \`request.url\``.
 */
export function harToRecords(har: unknown): ExchangeRecord[] {
  if (!isRecord(har)) throw new Error(`not a HAR file: expected a JSON object, got ${describe(har)}`);
  const log = har.log;
  if (!isRecord(log)) throw new Error(`not a HAR file: \`log\` must be an object, got ${describe(log)}`);
  const entries = log.entries;
  if (!Array.isArray(entries)) throw new Error(`log.entries: must be an array, got ${describe(entries)}`);
  const records: ExchangeRecord[] = [];
  const entryOfId = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i];
    let record: ExchangeRecord;
    try {
      record = isTokentapHarEntry(entry)
        ? tokentapHarEntryToRecord(entry)
        : foreignHarEntryToRecord(entry, i + 1);
    } catch (error) {
      throw new Error(`entries[${i}]: ${errorMessage(error)}`);
    }
    // Sessions look exchanges up by id; a HAR merged from copies of one export would clash.
    const other = entryOfId.get(record.id);
    if (other !== undefined)
      throw new Error(`entries[${i}]: duplicate id \`${record.id}\` (also entries[${other}])`);
    entryOfId.set(record.id, i);
    records.push(record);
  }
  return records;
}
