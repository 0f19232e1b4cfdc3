import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harToRecords } from '../../../electron/sessions/har-import.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import type { Har } from '../../../shared/export-formats/har-types.ts';
import { expectValidHar } from '../../support/har-validate.ts';
import { sampleRecords } from '../../support/sample-records.ts';

const harDir = join(import.meta.dirname, '..', '..', 'fixtures', 'har');
const fixtureText = (name: string): string => readFileSync(join(harDir, name), 'utf8');
const fixture = (name: string): Har => JSON.parse(fixtureText(name)) as Har;

// The made-up secrets written into the foreign fixtures.
const OPENAI_KEY = 'sk-proj-FAKEkeyForTokentapImportTests0000000000wxyz';
const ANTHROPIC_KEY = 'sk-ant-api03-FAKEkeyForTokentapImportTests000000000000qrst';
const AZURE_KEY = '0123456789abcdefFAKEazureKEY0000';
const COOKIE_VALUE = 'FAKEcookieValue';

describe('Tokentap HAR round trip', () => {
  const records = sampleRecords();
  const options = { version: '0.1.0' };

  it('HAR → records gives back records deep-equal to the originals', () => {
    expect(harToRecords(recordsToHar(records, options))).toStrictEqual(records);
  });

  it('through the file text too: records → HAR text → records → HAR is identical', async () => {
    const har = recordsToHar(records, options);
    const text = JSON.stringify(har);
    const imported = harToRecords(JSON.parse(text));
    expect(imported).toStrictEqual(records);
    const again = recordsToHar(imported, options);
    expect(again).toStrictEqual(har);
    expect(JSON.stringify(again)).toBe(text);
    await expectValidHar(again);
  });
});

describe('foreign HAR import: Chrome DevTools', () => {
  const records = harToRecords(fixture('chrome-devtools.har'));
  const [stream, json, base64, get, failed] = records as [
    ExchangeRecord,
    ExchangeRecord,
    ExchangeRecord,
    ExchangeRecord,
    ExchangeRecord,
  ];

  it('the fixture itself is valid HAR', async () => {
    await expectValidHar(fixture('chrome-devtools.har'));
  });

  it('gives every entry a fresh id and a sequence number in file order', () => {
    expect(records).toHaveLength(5);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(records.map((r) => r.id)).size).toBe(5);
    for (const r of records) expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(stream.startedAt).toBe('2026-02-11T10:15:30.123Z');
  });

  it('analyses an SSE chat completion as live capture would: api, model, merged text, usage, cost', () => {
    expect(stream).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      api: 'openai.chat',
      model: 'gpt-4o-2024-08-06',
      stream: true,
      status: 200,
      state: 'complete',
      usage: { inputTokens: 14, outputTokens: 8, cachedTokens: 0, reasoningTokens: 0, totalTokens: 22 },
      organization: 'org-FAKEorg000000000000',
      integrity: [],
      error: null,
    });
    expect(stream.merged?.text).toBe('The capital of Mexico is Mexico City.');
    expect(stream.merged?.finishReason).toBe('stop');
    expect(stream.costUsd).toBeGreaterThan(0);
    expect(stream.upstream).toBe('https://api.openai.com');
  });

  it('prices a call by the host it went to: the same JSON answer from api.deepseek.com', () => {
    const har = fixture('chrome-devtools.har');
    const entry = structuredClone(har.log.entries[1]);
    if (entry === undefined) throw new Error('no entry');
    entry.request.url = 'https://api.deepseek.com/v1/chat/completions';
    entry.startedDateTime = '2026-06-01T12:00:00.000Z';
    const answer = {
      model: 'deepseek-chat',
      choices: [],
      usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 },
    };
    entry.response.content = { size: 0, mimeType: 'application/json', text: JSON.stringify(answer) };
    const [record] = harToRecords({ log: { ...har.log, entries: [entry] } });
    expect(record?.upstream).toBe('https://api.deepseek.com');
    // deepseek-chat by day: $0.27 in, $1.10 out per million.
    expect(record?.costUsd).toBeCloseTo((1000 * 0.27 + 200 * 1.1) / 1e6, 12);
  });

  it('spreads the stream events evenly over the receive phase', () => {
    // 12 SSE events; headers after blocked + send + wait = 414 ms; the end at `time`.
    expect(stream.chunks).toHaveLength(12);
    expect(stream.timings.headersMs).toBe(414);
    expect(stream.timings.totalMs).toBe(1543.21);
    const times = stream.chunks.map((c) => c.t);
    expect(times.at(-1)).toBeCloseTo(1543.21, 3);
    const gap = (1543.21 - 414) / 12;
    expect(times[0]).toBeCloseTo(414 + gap, 2);
    expect(stream.gaps).toMatchObject({ count: 11 });
    expect(stream.timings.firstTokenMs).toBeCloseTo(414 + 2 * gap, 2);
    expect(stream.chunks.map((c) => c.data).join('')).toBe(stream.response?.body);
  });

  it('keeps the response headers, encoding included, with set-cookie redacted', () => {
    expect(stream.response?.headers['content-encoding']).toBe('br');
    expect(stream.response?.headers['set-cookie']).toEqual(['[redacted]', '[redacted]']);
    expect(stream.request.headers.authorization).toBe('[redacted]');
    expect(stream.request.headers[':path']).toBe('/v1/chat/completions');
  });

  it('reads a JSON completion and a base64-encoded Responses API body', () => {
    expect(json).toMatchObject({
      api: 'openai.chat',
      model: 'gpt-4.1-nano-2025-04-14',
      stream: false,
      chunks: [],
    });
    expect(json.usage).toMatchObject({ inputTokens: 16, outputTokens: 363, totalTokens: 379 });
    expect(json.merged?.text).toMatch(/^\*\*Holiday Name:\*\* Galaxy Day/);
    expect(base64).toMatchObject({ api: 'openai.responses', model: 'o4-mini-2025-04-16' });
    expect(base64.response?.body).toMatch(/^\{\n {2}"id": "resp_68b2nonstream0001"/);
    expect(base64.usage).toMatchObject({
      inputTokens: 80,
      outputTokens: 40,
      cachedTokens: 64,
      reasoningTokens: 16,
    });
    expect(base64.merged?.toolCalls).toEqual([
      { id: 'call_Weather0001', name: 'get_weather', arguments: '{"city":"Paris"}' },
    ]);
  });

  it('takes a GET as plain HTTP, query string and all', () => {
    expect(get).toMatchObject({
      method: 'GET',
      path: '/v1/models?limit=2',
      api: 'http',
      model: null,
      usage: null,
    });
    expect(get.request.body).toBe('');
    expect(get.response?.body).toContain('"object":"list"');
  });

  it('turns a request that got no response (status 0) into an upstream failure', () => {
    expect(failed).toMatchObject({
      status: null,
      response: null,
      state: 'error',
      error: { kind: 'upstream-unreachable', message: 'net::ERR_NAME_NOT_RESOLVED' },
      integrity: [],
      model: 'gpt-4.1-nano',
    });
  });

  it('fingerprints the API key as the tenant and never keeps the key or the cookies', () => {
    expect(stream.tenant).toMatch(/^sk-…wxyz·[0-9a-f]{6}$/);
    expect(new Set(records.map((r) => r.tenant)).size).toBe(1);
    const all = JSON.stringify(records);
    expect(all).not.toContain(OPENAI_KEY);
    expect(all).not.toContain(OPENAI_KEY.slice(8, -4));
    expect(all).not.toContain(COOKIE_VALUE);
  });
});

describe('foreign HAR import: HTTP Toolkit', () => {
  const records = harToRecords(fixture('http-toolkit.har'));
  const [anthropic, ollama, azure] = records as [ExchangeRecord, ExchangeRecord, ExchangeRecord];

  it('the fixture itself is valid HAR', async () => {
    await expectValidHar(fixture('http-toolkit.har'));
  });

  it('reads an Anthropic stream sent with x-api-key, despite mixed-case header names and gzip', () => {
    expect(anthropic).toMatchObject({
      api: 'anthropic.messages',
      model: 'claude-sonnet-4-6',
      stream: true,
      status: 200,
      state: 'complete',
      startedAt: '2026-02-11T10:00:01.250Z',
      usage: { inputTokens: 1007, outputTokens: 59, totalTokens: 1066 },
    });
    expect(anthropic.merged?.text).toMatch(/^The current exchange rate is \*\*1 USD = 0\.92 EUR\*\*/);
    expect(anthropic.tenant).toMatch(/^sk-ant-…qrst·[0-9a-f]{6}$/);
    expect(anthropic.request.headers['x-api-key']).toBe('[redacted]');
    expect(anthropic.response?.headers['content-encoding']).toBe('gzip');
    // HTTP Toolkit knows the compressed size on the wire.
    expect(anthropic.response?.bodyBytes).toBe(905);
    // blocked + dns + connect + send + wait (ssl is part of connect).
    expect(anthropic.timings.headersMs).toBeCloseTo(0.4 + 12.1 + 30.2 + 0.8 + 688.3, 3);
  });

  it('reads an Ollama NDJSON stream, one chunk per line', () => {
    expect(ollama).toMatchObject({ api: 'ollama.chat', model: 'llama3.2:3b', stream: true, tenant: null });
    expect(ollama.chunks).toHaveLength(7);
    expect(ollama.merged?.text).toBe('Bonjour\u00a0! Ça va très bien 😀');
    expect(ollama.usage?.outputTokens).toBe(7);
  });

  it('reads an Azure deployment call with api-key, keeping the api-version query', () => {
    expect(azure).toMatchObject({
      api: 'azure.chat',
      path: '/openai/deployments/gpt-5-nano/chat/completions?api-version=2024-10-21',
      model: 'gpt-5-nano-2025-08-07',
      usage: { inputTokens: 15, outputTokens: 78, reasoningTokens: 64 },
    });
    expect(azure.tenant).toMatch(/^…0000·[0-9a-f]{6}$/);
  });

  it('keeps no raw key', () => {
    const all = JSON.stringify(records);
    for (const key of [ANTHROPIC_KEY, AZURE_KEY]) expect(all).not.toContain(key);
  });

  it('exports again as valid HAR that round-trips', async () => {
    const har = recordsToHar(records, { version: '0.1.0' });
    await expectValidHar(har);
    expect(harToRecords(har)).toStrictEqual(records);
  });
});

describe('bad HAR input is refused whole, naming the entry', () => {
  type Entry = Record<string, unknown> & {
    request: Record<string, unknown>;
    response: { headers: unknown[] };
  };
  const chrome = (): { log: { entries: Entry[] } } => JSON.parse(fixtureText('chrome-devtools.har'));
  const entryOf = (har: { log: { entries: Entry[] } }, i: number): Entry => har.log.entries[i] as Entry;

  it('an entry without a URL', () => {
    const har = chrome();
    delete entryOf(har, 4).request.url;
    expect(() => harToRecords(har)).toThrow('entries[4]: missing field `request.url`');
  });

  it('an entry with a header that is not a name/value pair', () => {
    const har = chrome();
    entryOf(har, 1).response.headers.push({ name: 'x-bad', value: 7 });
    expect(() => harToRecords(har)).toThrow(
      /^entries\[1\]: field `response\.headers\[\d+\]\.value` must be a string, got the number 7$/,
    );
  });

  it('an entry that is not an object, or has a bad date', () => {
    const har = chrome();
    har.log.entries[2] = 'oops' as unknown as Entry;
    expect(() => harToRecords(har)).toThrow('entries[2]: not an object');
    const dated = chrome();
    entryOf(dated, 0).startedDateTime = 'Tuesday';
    expect(() => harToRecords(dated)).toThrow(
      /^entries\[0\]: field `startedDateTime` must be an ISO 8601 date/,
    );
  });

  it('a document that is not HAR at all', () => {
    expect(() => harToRecords([])).toThrow('not a HAR file: expected a JSON object, got an array');
    expect(() => harToRecords({ entries: [] })).toThrow(
      'not a HAR file: `log` must be an object, got undefined',
    );
    expect(() => harToRecords({ log: {} })).toThrow('log.entries: must be an array, got undefined');
  });

  it('the same Tokentap entry twice', () => {
    const har = recordsToHar(sampleRecords().slice(0, 2), { version: '0.1.0' });
    har.log.entries.push(har.log.entries[0] as Har['log']['entries'][number]);
    expect(() => harToRecords(har)).toThrow(
      /^entries\[2\]: duplicate id `[0-9a-f-]+` \(also entries\[0\]\)$/,
    );
  });
});

describe('foreign HAR import: a Chrome DevTools WebSocket entry', () => {
  // The shape Chrome writes for a WebSocket (`_resourceType: websocket`, `_webSocketMessages`).
  const started = Date.parse('2026-02-11T10:18:00.000Z');
  const entry = {
    startedDateTime: '2026-02-11T10:18:00.000Z',
    time: 300,
    request: {
      method: 'GET',
      url: 'wss://api.openai.com/v1/realtime?model=gpt-realtime',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Upgrade', value: 'websocket' },
        { name: 'Sec-WebSocket-Protocol', value: `realtime, openai-insecure-api-key.${OPENAI_KEY}` },
      ],
      queryString: [{ name: 'model', value: 'gpt-realtime' }],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 101,
      statusText: 'Switching Protocols',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Upgrade', value: 'websocket' }],
      cookies: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 50, receive: 250, ssl: -1 },
    _resourceType: 'websocket',
    _webSocketMessages: [
      { type: 'receive', time: (started + 60) / 1000, opcode: 1, data: '{"type":"session.created"}' },
      {
        type: 'send',
        time: (started + 75.5) / 1000,
        opcode: 1,
        data: `{"type":"response.create","k":"${OPENAI_KEY}"}`,
      },
      { type: 'receive', time: (started + 90) / 1000, opcode: 2, data: 'AAEC/w==' },
    ],
  };

  it('imports its messages in order, binary as base64, with times from the entry start, the key kept secret', () => {
    const [record] = harToRecords({
      log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries: [entry] },
    });
    expect(record?.status).toBe(101);
    expect(record?.path).toBe('/v1/realtime?model=gpt-realtime');
    expect(record?.upstream).toBe('https://api.openai.com');
    expect(record?.tenant).toMatch(/^sk-…wxyz·[0-9a-f]{6}$/);
    expect(
      record?.websocket?.messages.map(({ from, t, encoding, size }) => ({ from, t, encoding, size })),
    ).toEqual([
      { from: 'server', t: 60, encoding: undefined, size: 26 },
      { from: 'client', t: 75.5, encoding: undefined, size: 26 + 6 + OPENAI_KEY.length + 1 },
      { from: 'server', t: 90, encoding: 'base64', size: 4 },
    ]);
    expect(record?.websocket?.messages[2]?.data).toBe('AAEC/w==');
    expect(JSON.stringify(record)).not.toContain(OPENAI_KEY);
  });
});
