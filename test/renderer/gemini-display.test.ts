import { describe, expect, it } from 'vitest';
import { integrityWords } from '../../renderer/components/detail/integrity-words.ts';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import { apiLabel } from '../../renderer/format.ts';
import { validateExchangeRecord } from '../../shared/exchange/validate-exchange-record.ts';
import { API_KINDS } from '../../shared/interpreters/api-kind.ts';
import { buildRecord, summaryOf } from './support/records.ts';

// Gemini exchanges built by the real capture analyzers from recorded bodies.
const stream = buildRecord({
  id: 'ex-gemini-stream',
  seq: 1,
  fixture: 'gemini-stream-generate-content-sse-usage-every-chunk.sse',
  path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
  body: { contents: [{ role: 'user', parts: [{ text: 'Count to 30' }] }] },
});
const array = buildRecord({
  id: 'ex-gemini-array',
  seq: 2,
  fixture: 'gemini-stream-generate-content-array-usage-every-chunk.reframed.json',
  contentType: 'application/json; charset=UTF-8',
  path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
  body: { contents: [] },
});
const count = buildRecord({
  id: 'ex-gemini-count',
  seq: 3,
  fixture: 'gemini-error-429-resource-exhausted.json',
  status: 429,
  path: '/v1beta/models/gemini-2.5-flash:countTokens',
  body: { contents: [] },
});
const chat = buildRecord({
  id: 'ex-chat',
  seq: 4,
  fixture: 'openai-chat-stream-usage.sse',
  body: { model: 'gpt-4o', stream: true, messages: [] },
});
const rows = [stream, array, count, chat].map(summaryOf);
const ids = (query: string) => rows.filter(compileQuery(query)).map((s) => s.id);

describe('Gemini exchanges in the list', () => {
  it('are captured as the Gemini kinds, streamed or not, with model and usage', () => {
    expect(rows.map((s) => [s.api, s.model, s.stream])).toEqual([
      ['gemini.generate', 'gemini-2.5-flash', true],
      ['gemini.generate', 'gemini-2.5-flash', true],
      ['gemini.count-tokens', 'gemini-2.5-flash', false],
      ['openai.chat', 'gpt-4o-2024-08-06', true],
    ]);
    expect(array.merged).toEqual(stream.merged);
    expect(array.usage).toEqual(stream.usage);
    expect(array.chunks.length).toBe(1);
  });

  it('have a short label for every kind the list knows', () => {
    for (const api of API_KINDS) expect(apiLabel(api), api).toMatch(/\S/);
    expect(apiLabel('gemini.generate')).toBe('gemini');
    expect(apiLabel('gemini.count-tokens')).toBe('gemini count');
  });

  it('are found by api: with the kind, its prefix or its label, and by free text', () => {
    expect(ids('api:gemini')).toEqual(['ex-gemini-stream', 'ex-gemini-array', 'ex-gemini-count']);
    expect(ids('api:gemini.count-tokens')).toEqual(['ex-gemini-count']);
    expect(ids('api:gemini.generate')).toEqual(['ex-gemini-stream', 'ex-gemini-array']);
    expect(ids('-api:gemini')).toEqual(['ex-chat']);
    expect(ids('gemini')).toEqual(['ex-gemini-stream', 'ex-gemini-array', 'ex-gemini-count']);
  });

  it('pass the record validation an import applies', () => {
    for (const record of [stream, array, count]) expect(validateExchangeRecord(record)).toBeNull();
  });

  it('name what a Gemini stream ends with when it is cut', () => {
    expect(integrityWords('missing-terminator', stream)).toBe('stream ended without a finishReason');
  });
});
