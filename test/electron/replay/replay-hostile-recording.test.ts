/**
 * A recording Node cannot write back (a bad header name or value, a status of 42, an id that
 * breaks a header) never takes the process down: the real replay proxy answers that one client
 * a clean 500, logs why, records the failure, and goes on serving. Imports refuse such
 * recordings up front, naming the line or entry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { importSessionFile } from '../../../electron/sessions/import-session-file.ts';
import type { ExchangeFacts, ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { readFixtureText } from '../../support/fixtures.ts';
import { jsonRecord } from '../../support/sample-records.ts';
import { type ReplayHarness, startReplayHarness } from './replay-support.ts';

const good = jsonRecord();
const withResponse = (path: string, change: Partial<ExchangeFacts>, headers = {}): ExchangeRecord => {
  const response = good.response as NonNullable<ExchangeRecord['response']>;
  return {
    ...good,
    id: `hostile-${path}`,
    path: `/v1/${path}`,
    response: { ...response, headers: { ...response.headers, ...headers } },
    ...change,
  };
};

const HOSTILE: [string, ExchangeRecord][] = [
  ['a status of 42', withResponse('status', { status: 42 })],
  ['a header name with a space', withResponse('name', {}, { 'bad name': 'x' })],
  ['a header value with CR LF', withResponse('value', {}, { 'x-note': 'a\r\nx-injected: 1' })],
  ['an id that breaks its header', { ...withResponse('id', {}), id: 'line\nbreak' }],
];

let h: ReplayHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('replaying a recording Node cannot write', () => {
  it.each(HOSTILE)('%s: answers a clean 500, logs it, records it, and keeps serving', async (_, hostile) => {
    const failures: string[] = [];
    h = await startReplayHarness([good, hostile], { onError: (message) => failures.push(message) });
    const answer = await fetch(`${h.proxyUrl}${hostile.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: good.request.body,
    });
    expect(answer.status).toBe(500);
    expect(await answer.json()).toMatchObject({ error: { type: 'proxy_error', code: 'replay_failed' } });
    expect(failures).toEqual([expect.stringMatching(/^Tokentap replay could not answer from recording/)]);
    const failed = await h.nextRecord();
    expect(failed).toMatchObject({ state: 'error', error: { kind: 'proxy-error' } });

    // Still serving: the official SDK gets the good recording, byte for byte.
    const response = await h.openai.chat.completions
      .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Invent a holiday.' }] })
      .asResponse();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(readFixtureText('openai-chat-nonstream.json'));
  });
});

describe('importing a recording Node cannot write', () => {
  it.each(HOSTILE)('%s: JSONL is refused, naming the line', (_, hostile) => {
    expect(() => importSessionFile('x.jsonl', recordsToJsonl([good, hostile]))).toThrow(/^line 2: field `/);
  });

  it.each(HOSTILE)('%s: a Tokentap HAR is refused, naming the entry', (_, hostile) => {
    const har = JSON.stringify(recordsToHar([good, hostile], { version: 't' }));
    expect(() => importSessionFile('x.har', har)).toThrow(/^entries\[1\]: /);
  });

  it('a foreign HAR entry with a status of 42 or a bad header is refused, naming the entry', () => {
    const entry = (status: number, headers: { name: string; value: string }[]) => ({
      startedDateTime: '2026-02-11T10:15:30.123Z',
      request: { method: 'GET', url: 'https://api.example/v1/models', headers: [] },
      response: { status, headers, content: { size: 2, mimeType: 'application/json', text: '{}' } },
    });
    const har = (e: unknown) => JSON.stringify({ log: { version: '1.2', entries: [entry(200, []), e] } });
    expect(() => importSessionFile('c.har', har(entry(42, [])))).toThrow(
      /^entries\[1\]: field `response.status` must be 0 \(no response\) or from 100 to 999/,
    );
    expect(() => importSessionFile('c.har', har(entry(200, [{ name: 'bad name', value: 'x' }])))).toThrow(
      /^entries\[1\]: field `response.headers` has an invalid header name/,
    );
    expect(() => importSessionFile('c.har', har(entry(200, [{ name: 'x-a', value: 'a\nb' }])))).toThrow(
      /^entries\[1\]: field `response.headers.x-a` holds characters a header cannot carry/,
    );
  });
});
