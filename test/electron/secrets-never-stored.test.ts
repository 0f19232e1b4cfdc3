/**
 * The rule: a key value a request carried never appears in any stored, exported, logged or
 * displayed byte. Real requests through the real proxy carry keys in every position (each
 * provider's auth header, the query in its tricky forms, the JSON body), the upstream echoes
 * them (an error body, a response header, a stream with a key split across network chunks), and
 * then every place a byte can end up is searched: the session file, its index, the HAR and JSONL
 * exports, the API's list and get (in flight too), the live feed and the logs.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { createGate } from '../support/gate.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../support/headless-harness.ts';
import { SECRET_HEADER_TABLE } from '../support/secret-headers.ts';
import { waitForStored } from '../support/stored-exchanges.ts';
import { startHarness } from '../support/tokentap-harness.ts';

let h: HeadlessHarness;
let feed: string[];
let ws: WebSocket;
const keys: string[] = [];

/** A fresh, unmistakable key (`+` and `/` in it, as AWS secrets have: its escaped forms differ). */
function newKey(label: string): string {
  const key = `tt-${label.replace(/[^a-z0-9]/gi, '')}-${randomBytes(18).toString('base64')}`;
  keys.push(key);
  return key;
}

/** The keys (or either half of one) found in `text`. */
function leaked(text: string): string[] {
  return keys.filter((key) => {
    const half = key.length >> 1;
    return text.includes(key) || text.includes(key.slice(0, half)) || text.includes(key.slice(half));
  });
}

beforeEach(async () => {
  keys.length = 0;
  h = await startHeadlessHarness();
  feed = [];
  ws = new WebSocket(`${h.ui.url.replace('http', 'ws')}/api/events`, {
    headers: { authorization: `Bearer ${UI_TOKEN}` },
  });
  ws.on('message', (data) => feed.push(String(data)));
  await new Promise((resolve) => ws.once('open', resolve));
});
afterEach(async () => {
  ws.close();
  await h.close();
});

async function json<T>(path: string): Promise<T> {
  return (await (await h.api(path)).json()) as T;
}

const finished = (count: number): Promise<ExchangeSummary[]> => waitForStored(h, count);

/** Everything a user or a file can get: files, exports, list and details, live feed, logs. */
async function everythingStored(count: number): Promise<Record<string, string>> {
  const list = await finished(count);
  const out: Record<string, string> = { list: JSON.stringify(list) };
  for (const summary of list)
    out[`get ${summary.path}`] = JSON.stringify(await json(`/api/exchanges/${summary.id}`));
  out['export har'] = await (await h.api('/api/export?format=har')).text();
  out['export jsonl'] = await (await h.api('/api/export?format=jsonl')).text();
  const sessions = join(h.dataDir, 'sessions');
  await vi.waitFor(
    async () => {
      for (const file of await sessionFiles(sessions))
        out[`file ${file}`] = await readFile(join(sessions, file), 'utf8');
      const lines = Object.entries(out).filter(
        ([name]) => name.endsWith('.jsonl') && !name.includes('.index'),
      );
      expect(lines.map(([, text]) => text.trim().split('\n').length)).toContain(count);
      expect(Object.keys(out).some((name) => name.includes('.index'))).toBe(true);
    },
    { timeout: 5000, interval: 20, message: 'waiting for the session file and its index on disk' },
  );
  out['live feed'] = feed.join('\n');
  out.logs = h.logs.join('\n');
  return out;
}

function expectNoKeyIn(places: Record<string, string>): void {
  const leaks = Object.entries(places).flatMap(([place, text]) =>
    leaked(text).map((key) => `${place}: ${key}`),
  );
  expect(leaks).toEqual([]);
}

describe('a key the request carried', () => {
  it('reaches no file, export, API answer, live update or log, wherever it was and however it came back', async () => {
    // 1. Every provider's auth header at once, the key inside the JSON body, and an upstream that
    //    echoes all of them back in its error body and a response header.
    const headerKeys = SECRET_HEADER_TABLE.map(([, header]) => [header, newKey(header)] as const);
    const bearer = newKey('bearer');
    h.upstream.respond('POST /v1/chat/completions', (request) => ({
      status: 401,
      headers: {
        'content-type': 'application/json',
        'x-echo-key': bearer,
        'www-authenticate': `Bearer ${bearer}`,
      },
      body: JSON.stringify({
        error: { message: `Incorrect API key provided: ${bearer}`, echoed: request.headers },
      }),
    }));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [header, key] of headerKeys)
      headers[header] = header === 'cookie' || header === 'set-cookie' ? `sid=${key}; theme=dark` : key;
    headers.authorization = `Bearer ${bearer}`;
    const first = await fetch(`${h.service.proxy?.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model: 'gpt-4o',
        api_key: bearer,
        messages: [{ role: 'user', content: `my key is ${bearer} and also ${headerKeys[3]?.[1]}` }],
      }),
    });
    expect(first.status).toBe(401);
    // Forwarding is untouched: the upstream got every key as sent.
    expect(await first.text()).toContain(bearer);

    // 2. Query keys in the tricky forms, echoed back raw and decoded.
    const queryKeys = ['key', 'auth', 'key[]', '%6Bey', 'X-API-KEY', 'KEY', 'access_token'].map(
      (name) => [name, newKey(`q${name}`)] as const,
    );
    const query = queryKeys.map(
      ([name, key], i) => `${name}=${encodeURIComponent(key)}${i === 1 ? ';' : '&'}`,
    );
    const geminiPath = `/v1beta/models/gemini-2.0-flash:generateContent?alt=sse&${query.join('')}n=1`;
    h.upstream.respond('POST /v1beta/models/gemini-2.0-flash:generateContent', (request) => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        error: { message: `bad url ${request.url}`, query: [...request.query.values()] },
      }),
    }));
    const second = await fetch(`${h.service.proxy?.url}${geminiPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"contents":[]}',
    });
    expect(second.status).toBe(400);
    await second.text();

    // 3. A stream that echoes the key split across two network chunks, looked at while in flight.
    const streamKey = newKey('stream');
    const cut = 17;
    const gate = createGate();
    const event = (content: string) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta: { content } }] })}\n\n`;
    const whole = event(`your key is ${streamKey}.`);
    const at = whole.indexOf(streamKey) + cut;
    h.upstream.respond('POST /v1/chat/completions', {
      kind: 'gated',
      gate,
      headers: { 'content-type': 'text/event-stream', 'x-echo-key': streamKey },
      chunks: [whole.slice(0, at), whole.slice(at), event(' done'), 'data: [DONE]\n\n'],
    });
    const third = fetch(`${h.service.proxy?.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${streamKey}` },
      body: JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: streamKey }],
      }),
    });
    gate.release(2);
    const response = await third;
    const inFlight: Record<string, string> = {};
    await vi.waitFor(
      async () => {
        const list = await json<ExchangeSummary[]>('/api/exchanges');
        const live = list.find((s) => s.state === 'streaming');
        expect(live).toBeDefined();
        const record = await json<ExchangeRecord>(`/api/exchanges/${live?.id}`);
        expect(record.chunks).toHaveLength(2);
        inFlight['in-flight list'] = JSON.stringify(list);
        inFlight['in-flight get'] = JSON.stringify(record);
      },
      { timeout: 5000, interval: 20, message: 'waiting for the stream in flight with its first two chunks' },
    );
    gate.releaseAll();
    const streamed = await response.text();
    expect(streamed).toContain(streamKey);

    const places = { ...inFlight, ...(await everythingStored(3)) };
    expectNoKeyIn(places);
    // Redacted, not dropped: each place says where a key was.
    expect(places['export jsonl']).toContain('[redacted]');
    const records = (places['export jsonl'] as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ExchangeRecord);
    const stream = records.find((r) => r.stream) as ExchangeRecord;
    expect(stream.merged?.text).toBe('your key is [redacted]. done');
    expect(stream.response?.headers['x-echo-key']).toBe('[redacted]');
    const gemini = records.find((r) => r.path.startsWith('/v1beta')) as ExchangeRecord;
    expect(gemini.path).toBe(
      '/v1beta/models/gemini-2.0-flash:generateContent?alt=sse&key=[redacted]&auth=[redacted];key[]=[redacted]&%6Bey=[redacted]&X-API-KEY=[redacted]&KEY=[redacted]&access_token=[redacted]&n=1',
    );
    // The tenant of a Gemini call is its key's fingerprint, like the others'.
    expect(gemini.tenant).toMatch(/^tt-….{4}·[0-9a-f]{6}$/);
    const headersRecord = records.find((r) => r.status === 401) as ExchangeRecord;
    for (const [header] of headerKeys)
      expect([headersRecord.request.headers[header]].flat()).toEqual(['[redacted]']);
  });
});

describe('an imported file', () => {
  it('is held to the same rules: its keys reach no file, export or API answer', async () => {
    const goog = newKey('goog');
    const azure = newKey('azure');
    const queryKey = newKey('query');
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'Chrome', version: '1' },
        entries: [
          {
            startedDateTime: '2026-01-01T00:00:00.000Z',
            time: 10,
            request: {
              method: 'POST',
              url: `https://generativelanguage.googleapis.com/v1beta/models/g:generateContent?KEY=${queryKey}`,
              httpVersion: 'HTTP/1.1',
              headers: [
                { name: 'x-goog-api-key', value: goog },
                { name: 'Content-Type', value: 'application/json' },
              ],
              queryString: [],
              cookies: [],
              headersSize: -1,
              bodySize: -1,
              postData: { mimeType: 'application/json', text: `{"note":"${goog}"}` },
            },
            response: {
              status: 400,
              statusText: 'Bad Request',
              httpVersion: 'HTTP/1.1',
              headers: [
                { name: 'content-type', value: 'application/json' },
                { name: 'x-echo', value: goog },
              ],
              cookies: [],
              content: { size: 10, mimeType: 'application/json', text: `{"error":"bad key ${queryKey}"}` },
              redirectURL: '',
              headersSize: -1,
              bodySize: -1,
            },
            cache: {},
            timings: { send: 0, wait: 5, receive: 5 },
          },
        ],
      },
    };
    const harImport = await h.api('/api/import?name=chrome.har', {
      method: 'POST',
      body: JSON.stringify(har),
    });
    expect(harImport.status).toBe(201);
    const harSession = ((await harImport.json()) as { session: { id: string } }).session.id;

    // A JSONL line from another tool (or an older Tokentap) with a key left in a header.
    const exported = await (await h.api(`/api/export?format=jsonl&session=${harSession}`)).text();
    const line = JSON.parse(exported.trim()) as ExchangeRecord;
    line.id = 'other-tool-1';
    line.request.headers['ocp-apim-subscription-key'] = azure;
    line.response = line.response && { ...line.response, body: `{"error":"bad key ${azure}"}` };
    const jsonlImport = await h.api('/api/import?name=other.jsonl', {
      method: 'POST',
      body: JSON.stringify(line),
    });
    expect(jsonlImport.status).toBe(201);
    const jsonlSession = ((await jsonlImport.json()) as { session: { id: string } }).session.id;

    const places: Record<string, string> = {};
    for (const session of [harSession, jsonlSession]) {
      const query = `session=${encodeURIComponent(session)}`;
      const list = await json<ExchangeSummary[]>(`/api/exchanges?${query}`);
      places[`list ${session}`] = JSON.stringify(list);
      for (const s of list)
        places[`get ${s.id}`] = JSON.stringify(await json(`/api/exchanges/${s.id}?${query}`));
      places[`har ${session}`] = await (await h.api(`/api/export?format=har&${query}`)).text();
      places[`jsonl ${session}`] = await (await h.api(`/api/export?format=jsonl&${query}`)).text();
    }
    const sessions = join(h.dataDir, 'sessions');
    for (const file of await sessionFiles(sessions))
      places[file] = await readFile(join(sessions, file), 'utf8');
    expect(places[`jsonl ${jsonlSession}`]).toContain('"ocp-apim-subscription-key":"[redacted]"');
    expect(places[`jsonl ${harSession}`]).toContain('"x-goog-api-key":"[redacted]"');
    expect(leaked(JSON.stringify(places))).toEqual([]);
  });
});

describe('a log line about an exchange', () => {
  it('holds none of the keys its request carried, even when an analyzer quotes the body', async () => {
    const harness = await startHarness({
      analyzersModule: new URL('../support/analyzers/body-quoting.ts', import.meta.url),
    });
    try {
      const key = newKey('logged');
      const urlKey = newKey('urlkey');
      harness.upstream.respond('*', { body: '{}', headers: { 'content-type': 'application/json' } });
      const response = await fetch(`${harness.proxyUrl}/v1/chat/completions?key=${urlKey}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `${key} ${urlKey}` }] }),
      });
      await response.text();
      await harness.nextRecord();
      expect(harness.logs.join('\n')).toContain('body-quoting.onRequestEnd failed');
      expect(leaked(harness.logs.join('\n'))).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

/** The regular files of the sessions folder (its lock sockets hold no bytes and cannot be read). */
async function sessionFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}
