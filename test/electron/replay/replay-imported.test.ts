/** Replaying imported HAR files (foreign ones included) and the record links' lossless round trips. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { harToRecords } from '../../../electron/sessions/har-import.ts';
import { importSessionFile } from '../../../electron/sessions/import-session-file.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import { parseJsonl, recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { sampleRecords } from '../../support/sample-records.ts';
import { type ReplayHarness, startReplayHarness } from './replay-support.ts';

const HAR_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'har');
let r: ReplayHarness | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

function imported(name: string): ExchangeRecord[] {
  return importSessionFile(name, readFileSync(join(HAR_DIR, name), 'utf8'));
}

describe('replaying an imported HAR', () => {
  it('answers each entry of a Chrome HAR with its recorded body; the entry without a response is skipped', async () => {
    const records = imported('chrome-devtools.har');
    r = await startReplayHarness(records);
    expect(r.responder.status().recordings).toBe(4);
    for (const record of records.filter((x) => x.response !== null && x.status !== null)) {
      const response = await fetch(r.proxyUrl + record.path, {
        method: record.method,
        headers: { 'content-type': 'application/json' },
        ...(record.request.body ? { body: record.request.body } : {}),
      });
      expect(response.status).toBe(record.status);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(response.headers.get('x-tokentap-replay')).toBe(record.id);
      expect(await response.text()).toBe(record.response?.body);
    }
  });

  it('streams an Anthropic SSE body from an HTTP Toolkit HAR, and the SDK-shaped request matches', async () => {
    const records = imported('http-toolkit.har');
    const anthropic = records.find((x) => x.api === 'anthropic.messages') as ExchangeRecord;
    r = await startReplayHarness(records);
    const response = await fetch(`${r.proxyUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-real' },
      body: anthropic.request.body,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(await response.text()).toBe(anthropic.response?.body);
  });
});

describe('record links', () => {
  it('resentFrom and replayOf survive JSONL and HAR round trips, and stay absent when unset', () => {
    const records = sampleRecords().slice(0, 3);
    (records[0] as ExchangeRecord).resentFrom = 'original-id';
    (records[1] as ExchangeRecord).replayOf = 'miss';
    expect(parseJsonl(recordsToJsonl(records))).toEqual(records);
    const back = harToRecords(JSON.parse(JSON.stringify(recordsToHar(records, { version: '0.0.0' }))));
    expect(back).toEqual(records);
    expect('resentFrom' in (back[2] as ExchangeRecord)).toBe(false);
    expect(() => parseJsonl(`${JSON.stringify({ ...records[2], resentFrom: 3 })}\n`)).toThrow(/resentFrom/);
  });
});
