import { errorMessage } from '../error-message.ts';
import type { ExchangeRecord } from '../exchange/exchange-record.ts';
import { upgradeRecord } from '../exchange/exchange-record-upgrade.ts';
import { isBlockLine, withBodyJoined } from '../exchange/message-blocks.ts';
import { validateExchangeRecord } from '../exchange/validate-exchange-record.ts';

/** A session's JSONL text: one record per line, each line ending in `\n`. */
export function recordsToJsonl(records: readonly ExchangeRecord[]): string {
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

/**
 * Every record of a JSONL text, or an Error naming the first bad line (`line 3: missing field
 * \`id\``): an import is all or nothing. Blank lines, a BOM and CRLF line ends are tolerated; a
 * session file's message block lines are read and the request bodies that refer to them joined.
 */
export function parseJsonl(text: string): ExchangeRecord[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const reader = new JsonlReader();
  const records: ExchangeRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const record = reader.line(lines[i] as string, i + 1);
    if (record !== null) records.push(record);
  }
  return records;
}

/** Reads a JSONL text line by line (a file too large to hold): the checks and words of `parseJsonl`. */
export class JsonlReader {
  readonly #firstLineOfId = new Map<string, number>();
  readonly #blocks = new Map<string, string>();

  /** The record on line `at`, null for a blank or block line; throws naming the line when it is bad. */
  line(raw: string, at: number): ExchangeRecord | null {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`line ${at}: not JSON: ${errorMessage(error)}`);
    }
    if (isBlockLine(value)) {
      this.#blocks.set(value.block, value.text);
      return null;
    }
    try {
      withBodyJoined(value, (hash) => this.#blocks.get(hash));
    } catch (error) {
      throw new Error(`line ${at}: ${errorMessage(error)} (no line before it has it)`);
    }
    const reason = validateExchangeRecord(value);
    if (reason !== null) throw new Error(`line ${at}: ${reason}`);
    const record = upgradeRecord(value as ExchangeRecord);
    // Sessions look exchanges up by id; two lines with one id would hide one of them.
    const first = this.#firstLineOfId.get(record.id);
    if (first !== undefined)
      throw new Error(`line ${at}: duplicate id \`${record.id}\` (also on line ${first})`);
    this.#firstLineOfId.set(record.id, at);
    return record;
  }
}
