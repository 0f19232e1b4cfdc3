import type { ExchangeRecord } from '../../shared/exchange-record.ts';
import { recordsToHar } from '../../shared/har-format.ts';
import type { ExportFile, ExportFormat } from '../../shared/inspector-contract.ts';
import { recordsToJsonl } from '../../shared/jsonl-format.ts';
import { TOKENTAP_VERSION } from '../version.ts';
import { importSessionFile } from './import-session-file.ts';

/** A session (or the chosen exchanges of one) as a downloadable file in the asked format. */
export function exportFile(format: ExportFormat, records: ExchangeRecord[], sessionName: string): ExportFile {
  if (format === 'har') {
    return {
      fileName: `tokentap-${sessionName}.har`,
      mimeType: 'application/json',
      content: JSON.stringify(recordsToHar(records, { version: TOKENTAP_VERSION }), null, 2),
    };
  }
  return {
    fileName: `tokentap-${sessionName}.jsonl`,
    mimeType: 'application/x-ndjson',
    content: recordsToJsonl(records),
  };
}

/** Reads an imported HAR or JSONL file, all or nothing; throws an error naming the bad line or entry. */
export function parseImportFile(name: string, content: string): ExchangeRecord[] {
  return importSessionFile(name, content);
}
