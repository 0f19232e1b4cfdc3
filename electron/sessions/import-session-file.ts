import { errorMessage } from '../../shared/error-message.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { importFormatOf, withoutBom } from '../../shared/export-formats/import-format.ts';
import { parseJsonl } from '../../shared/export-formats/jsonl-format.ts';
import { redactRecord } from '../../shared/security/redact-record.ts';
import { parseJson } from '../../shared/wire/json-fields.ts';
import { harToRecords } from './har-import.ts';

/**
 * The records of an imported session file, HAR or JSONL (told apart by content), all or nothing:
 * a bad file throws an Error naming the line or entry at fault. A foreign file may carry keys:
 * every record is held to the capture's redaction rules.
 */
export function importSessionFile(name: string, text: string): ExchangeRecord[] {
  return readSessionFile(name, text).map(redactRecord);
}

function readSessionFile(name: string, text: string): ExchangeRecord[] {
  const clean = withoutBom(text);
  // Parsed once here and reused: a HAR can be large.
  const whole = parseJson(clean);
  if (importFormatOf(name, clean, whole) === 'jsonl') return parseJsonl(clean);
  if (whole === undefined) {
    try {
      JSON.parse(clean);
    } catch (error) {
      throw new Error(`not a HAR file: not JSON: ${errorMessage(error)}`);
    }
  }
  return harToRecords(whole);
}
