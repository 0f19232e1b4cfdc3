import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import {
  harTextPieces,
  isTokentapHarEntry,
  recordsToHar,
  recordToHarEntry,
  tokentapHarEntryToRecord,
} from '../../../shared/export-formats/har-format.ts';
import { harToHeaderMap, headerMapToHar } from '../../../shared/export-formats/har-headers.ts';
import { harUrlOf, pathOfHarUrl } from '../../../shared/export-formats/har-url.ts';
import { expectValidHar } from '../../support/har-validate.ts';
import {
  abortedStreamRecord,
  jsonRecord,
  plainGetRecord,
  sampleRecords,
  streamRecord,
  truncatedRecord,
  unreachableRecord,
  websocketRecord,
} from '../../support/sample-records.ts';

describe('Tokentap HAR export', () => {
  it('is valid HAR 1.2, for every kind of exchange and for none', async () => {
    await expectValidHar(recordsToHar(sampleRecords(), { version: '0.1.0' }));
    await expectValidHar(recordsToHar([], { version: '0.1.0' }));
    for (const record of sampleRecords()) await expectValidHar(recordsToHar([record], { version: '0.1.0' }));
  });

  it('names Tokentap as the creator', () => {
    const { log } = recordsToHar([], { version: '1.2.3' });
    expect(log.version).toBe('1.2');
    expect(log.creator).toEqual({ name: 'Tokentap', version: '1.2.3' });
  });

  it('puts the decoded SSE text in response.content.text and the Tokentap facts in _ fields', () => {
    const record = streamRecord();
    const entry = recordToHarEntry(record);
    expect(entry.response.content.text).toBe(record.response?.body);
    expect(entry.response.content.text).toMatch(/^data: \{/);
    expect(entry.response.content.mimeType).toBe('text/event-stream; charset=utf-8');
    expect(entry.request.postData).toEqual({ mimeType: 'application/json', text: record.request.body });
    expect(entry._chunks).toEqual(record.chunks);
    expect(entry._tenant).toBe('sk-proj-…wxyz·3f9a1c');
    expect(entry._usage).toEqual({
      inputTokens: 14,
      outputTokens: 8,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 22,
    });
    expect(entry._costUsd).toBe(record.costUsd);
    expect(entry._merged).toMatchObject({
      text: 'The capital of Mexico is Mexico City.',
      finishReason: 'stop',
    });
    expect(isTokentapHarEntry(entry)).toBe(true);
  });

  it('maps the record timings onto HAR phases that add up to the total', () => {
    const entry = recordToHarEntry(streamRecord());
    expect(entry.time).toBe(540.112);
    expect(entry.timings).toMatchObject({ send: 0, wait: 231.877, blocked: -1, dns: -1, connect: -1 });
    expect(entry.timings.send + entry.timings.wait + entry.timings.receive).toBeCloseTo(entry.time, 6);
  });

  it('writes status 0 for an exchange with no response, keeping the truth in _status', () => {
    const entry = recordToHarEntry(unreachableRecord());
    expect(entry.response.status).toBe(0);
    expect(entry._status).toBeNull();
    expect(entry._error).toEqual({
      kind: 'upstream-unreachable',
      message: 'connect ECONNREFUSED 127.0.0.1:9',
    });
    expect(tokentapHarEntryToRecord(entry).response).toBeNull();
  });

  it('builds a full URL from the Host header, or a placeholder, and maps back to the exact path', () => {
    expect(recordToHarEntry(streamRecord()).request.url).toBe('http://127.0.0.1:3000/v1/chat/completions');
    const get = recordToHarEntry(plainGetRecord());
    expect(get.request.url).toBe('http://tokentap.local/v1/models/gpt-9');
    expect(get._path).toBeUndefined();
    const odd = recordToHarEntry(truncatedRecord());
    expect(odd.request.url).toBe('http://tokentap.local/v1/embeddings?tag=a%20b&pct=100%25');
    expect(odd.request.queryString).toEqual([
      { name: 'tag', value: 'a b' },
      { name: 'pct', value: '100%' },
    ]);
    expect(tokentapHarEntryToRecord(odd).path).toBe('/v1/embeddings?tag=a b&pct=100%');
    expect(pathOfHarUrl('https://api.openai.com')).toBe('/');
    expect(pathOfHarUrl('https://api.openai.com/v1/models?x=1#frag')).toBe('/v1/models?x=1');
    expect(harUrlOf('http://upstream.example/v1/models', {})).toBe('http://upstream.example/v1/models');
  });

  it('marks truncated bodies and keeps wire byte counts', () => {
    const record = truncatedRecord();
    const entry = recordToHarEntry(record);
    expect(entry.request._bodyTruncated).toBe(true);
    expect(entry.response._bodyTruncated).toBe(true);
    expect(entry.request.bodySize).toBe(record.request.bodyBytes);
    expect(entry.response.bodySize).toBe(record.response?.bodyBytes);
    expect(recordToHarEntry(jsonRecord()).response._bodyTruncated).toBeUndefined();
  });

  it('lists repeated headers one per line and remembers which values were arrays', () => {
    const headers = {
      'set-cookie': ['[redacted]', '[redacted]'],
      vary: ['Origin'],
      'content-type': 'text/plain',
      empty: [],
    };
    const { list, arrayNames } = headerMapToHar(headers);
    expect(list).toEqual([
      { name: 'set-cookie', value: '[redacted]' },
      { name: 'set-cookie', value: '[redacted]' },
      { name: 'vary', value: 'Origin' },
      { name: 'content-type', value: 'text/plain' },
    ]);
    expect(harToHeaderMap(list, arrayNames)).toStrictEqual(headers);
    // Without the array names (a foreign HAR), repeated names still become arrays.
    expect(harToHeaderMap(list)).toStrictEqual({
      'set-cookie': ['[redacted]', '[redacted]'],
      vary: 'Origin',
      'content-type': 'text/plain',
    });
  });

  it('decodes each entry back into the record it was made from', () => {
    for (const record of sampleRecords()) {
      expect(tokentapHarEntryToRecord(recordToHarEntry(record))).toStrictEqual(record);
    }
    const aborted: ExchangeRecord = abortedStreamRecord();
    expect(tokentapHarEntryToRecord(JSON.parse(JSON.stringify(recordToHarEntry(aborted))))).toStrictEqual(
      aborted,
    );
  });

  it('refuses a Tokentap entry whose _ fields are broken, naming the field', () => {
    const entry = JSON.parse(JSON.stringify(recordToHarEntry(streamRecord()))) as Record<string, unknown>;
    (entry._usage as Record<string, unknown>).outputTokens = null;
    expect(() => tokentapHarEntryToRecord(entry)).toThrow(
      'field `_usage.outputTokens` must be a number, got null',
    );
    delete entry._usage;
    expect(() => tokentapHarEntryToRecord(entry)).toThrow('missing field `_usage`');
  });
});

describe('harTextPieces', () => {
  it('joins into exactly the pretty-printed HAR document, for no, one and many records', () => {
    const all = sampleRecords();
    for (const records of [[], all.slice(0, 1), all]) {
      const pieces = harTextPieces({ version: '9.9.9' });
      const text =
        pieces.head + records.map((r, i) => pieces.entry(r, i)).join('') + pieces.tail(records.length);
      expect(text).toBe(JSON.stringify(recordsToHar(records, { version: '9.9.9' }), null, 2));
    }
  });
});

describe('Tokentap HAR of a WebSocket exchange', () => {
  it('carries the messages the way Chrome does (_webSocketMessages) and imports back into the same record', async () => {
    const record = websocketRecord();
    const har = JSON.parse(JSON.stringify(recordsToHar([record], { version: '0.1.0' })));
    await expectValidHar(har);
    const entry = har.log.entries[0];
    expect(entry._resourceType).toBe('websocket');
    const startedAt = Date.parse(record.startedAt);
    expect(entry._webSocketMessages).toEqual([
      {
        type: 'receive',
        time: (startedAt + 81.5) / 1000,
        opcode: 1,
        data: '{"type":"session.created","session":{"model":"gpt-realtime"}}',
        _t: 81.5,
        _size: 61,
      },
      {
        type: 'send',
        time: (startedAt + 90.125) / 1000,
        opcode: 1,
        data: '{"type":"response.create"}',
        _t: 90.125,
        _size: 26,
      },
      { type: 'receive', time: (startedAt + 95) / 1000, opcode: 2, data: 'AAEC/w==', _t: 95, _size: 4 },
    ]);
    expect(entry._webSocketClose).toEqual({ code: 1000, reason: 'bye 😀', by: 'client', t: 120.5 });
    expect(tokentapHarEntryToRecord(entry)).toStrictEqual(record);
  });

  it('refuses a broken message, naming it', () => {
    const entry = JSON.parse(JSON.stringify(recordToHarEntry(websocketRecord())));
    entry._webSocketMessages[1].opcode = 9;
    expect(() => tokentapHarEntryToRecord(entry)).toThrow(
      'field `_webSocketMessages[1]`.opcode must be 1 (text) or 2 (binary)',
    );
  });
});
