import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSessionFile } from '../../../electron/sessions/import-session-file.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import { detectImportFormat } from '../../../shared/export-formats/import-format.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { sampleRecords } from '../../support/sample-records.ts';

const chromeHar = readFileSync(
  join(import.meta.dirname, '..', '..', 'fixtures', 'har', 'chrome-devtools.har'),
  'utf8',
);

describe('importing a session file', () => {
  const records = sampleRecords();
  const jsonl = recordsToJsonl(records);
  const har = JSON.stringify(recordsToHar(records, { version: '0.1.0' }), null, 2);

  it('tells HAR from JSONL by content, whatever the file is called', () => {
    expect(detectImportFormat('session.jsonl', har)).toBe('har');
    expect(detectImportFormat('export.txt', chromeHar)).toBe('har');
    expect(detectImportFormat('session.har', jsonl)).toBe('jsonl');
    expect(detectImportFormat('one.jsonl', recordsToJsonl(records.slice(0, 1)))).toBe('jsonl');
    expect(detectImportFormat('broken.har', '{"log": {"entries": [')).toBe('har');
    expect(detectImportFormat('broken.jsonl', 'garbage')).toBe('jsonl');
    expect(detectImportFormat('bom.har', `\uFEFF${har}`)).toBe('har');
  });

  it('imports Tokentap JSONL and HAR losslessly, and foreign HAR', () => {
    expect(importSessionFile('a.jsonl', jsonl)).toStrictEqual(records);
    expect(importSessionFile('a.har', har)).toStrictEqual(records);
    expect(importSessionFile('a.har', `\uFEFF${har}`)).toStrictEqual(records);
    expect(importSessionFile('chrome.har', chromeHar).map((r) => r.api)).toEqual([
      'openai.chat',
      'openai.chat',
      'openai.responses',
      'http',
      'openai.chat',
    ]);
  });

  it('names the line or entry at fault, and imports nothing', () => {
    expect(() => importSessionFile('a.jsonl', `${jsonl}{"id":\n`)).toThrow(/^line 7: not JSON: /);
    expect(() => importSessionFile('a.har', '{"log": {"entries": [')).toThrow(/^not a HAR file: not JSON: /);
    const broken = JSON.parse(har) as { log: { entries: Record<string, unknown>[] } };
    delete broken.log.entries[3]?._state;
    expect(() => importSessionFile('a.har', JSON.stringify(broken))).toThrow(
      'entries[3]: missing field `_state`',
    );
  });
});
