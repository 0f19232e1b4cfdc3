/**
 * A conversation's request body is parsed once per exchange, however many analyzers read it (the
 * metadata analyzer for model and stream, the thread analyzer for the conversation), and a body
 * that carries the request's own API key is still scrubbed before the thread keeps its texts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CapturePipeline } from '../../../electron/capture/capture-pipeline.ts';
import { fingerprintApiKey } from '../../../electron/proxy/tenant-fingerprint.ts';
import type { FoundSecret } from '../../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { redactHeaders } from '../../../shared/security/redact-headers.ts';
import { jsonExchange, requestStart } from '../../support/exchange-events.ts';
import { smallChatCompletion } from '../../support/synthetic-llm.ts';

const KEY = 'sk-test-parse-once-0123456789abcdefghijklmnopqrstuv';

function capture(body: string): { record: ExchangeRecord; parses: number } {
  const records: ExchangeRecord[] = [];
  const pipeline = new CapturePipeline({ onRecord: (record) => records.push(record) });
  const secrets: FoundSecret[] = [];
  const headers = redactHeaders(
    { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    secrets,
  );
  const start = requestStart('x1', { headers, secrets, tenant: fingerprintApiKey(KEY) });
  const parse = vi.spyOn(JSON, 'parse');
  for (const event of jsonExchange(start, Buffer.from(body), Buffer.from(smallChatCompletion)))
    pipeline.consume(event);
  const parses = parse.mock.calls.filter(([text]) => text === body).length;
  parse.mockRestore();
  const record = records[0];
  if (!record) throw new Error('no record');
  return { record, parses };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a conversation request body', () => {
  it('is parsed once for model, stream and thread', () => {
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      stream: false,
      messages: [{ role: 'user', content: 'What is the capital of Mexico? Answer in two words.' }],
    });
    const { record, parses } = capture(body);
    expect(parses).toBe(1);
    expect(record.model).toBe('gpt-4o-mini-2024-07-18');
    expect(record.stream).toBe(false);
    expect(record.thread?.title).toBe('What is the capital of Mexico? Answer in two words.');
    expect(record.delta?.appended[0]?.preview).toBe('What is the capital of Mexico? Answer in two words.');
  });

  it('that holds its own API key is scrubbed before the thread cuts previews from it', () => {
    // The key past the preview's cut: a preview cut in the middle of it would escape scrubbing.
    const text = `${'Please use this key for the call: '.repeat(2)}${KEY} and answer.`;
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
    const { record } = capture(body);
    const line = JSON.stringify(record);
    expect(line).not.toContain(KEY.slice(0, 16));
    expect(record.delta?.appended[0]?.preview).toContain('[redacted]');
  });
});
