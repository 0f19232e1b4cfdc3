import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import { validateExchangeRecord } from '../../shared/exchange/validate-exchange-record.ts';
import { recordToHarEntry, tokentapHarEntryToRecord } from '../../shared/export-formats/har-format.ts';
import { parseJsonl, recordsToJsonl } from '../../shared/export-formats/jsonl-format.ts';
import { jsonRecord } from '../support/sample-records.ts';

/** A record's route survives every format: JSONL, HAR (`_provider`), the summary the list keeps. */
describe('provider on the record', () => {
  const record: ExchangeRecord = { ...jsonRecord(), path: '/anthropic/v1/messages', provider: 'anthropic' };

  it('is kept by JSONL and HAR and carried to the summary', () => {
    expect(parseJsonl(recordsToJsonl([record]))[0]?.provider).toBe('anthropic');
    const entry = recordToHarEntry(record) as unknown as Record<string, unknown>;
    expect(entry._provider).toBe('anthropic');
    expect(tokentapHarEntryToRecord(JSON.parse(JSON.stringify(entry))).provider).toBe('anthropic');
    expect(summarise(record).provider).toBe('anthropic');
    const { provider: _, ...older } = record;
    expect('provider' in summarise(older)).toBe(false);
  });

  it('is checked on import: a string, or absent', () => {
    expect(validateExchangeRecord(record)).toBeNull();
    expect(validateExchangeRecord({ ...record, provider: 7 })).toMatch(/provider/);
  });
});
