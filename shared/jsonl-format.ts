import type { ExchangeRecord } from './exchange-record.ts';
import { upgradeRecord } from './exchange-record-upgrade.ts';
import { validateExchangeRecord } from './validate-exchange-record.ts';

/** A session's JSONL text: one record per line, each line ending in `\n`. */
export function recordsToJsonl(records: readonly ExchangeRecord[]): string {
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

/**
 * Every record of a JSONL text, or an Error naming the first bad line (`line 3: missing field
 * \`id\``): an import is all or nothing. Blank lines, a BOM and CRLF line ends are tolerated.
 */
export function parseJsonl(text: string): ExchangeRecord[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const records: ExchangeRecord[] = [];
  const firstLineOfId = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    const at = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${at}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const reason = validateExchangeRecord(value);
    if (reason !== null) throw new Error(`line ${at}: ${reason}`);
    const record = upgradeRecord(value as ExchangeRecord);
    // Sessions look exchanges up by id; two lines with one id would hide one of them.
    const first = firstLineOfId.get(record.id);
    if (first !== undefined)
      throw new Error(`line ${at}: duplicate id \`${record.id}\` (also on line ${first})`);
    firstLineOfId.set(record.id, at);
    records.push(record);
  }
  return records;
}
