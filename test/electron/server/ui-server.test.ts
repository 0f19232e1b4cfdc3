/** The headless API over real HTTP and WebSocket: auth, origin checks, every route, live events. */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type {
  LiveUpdate,
  ProxyStatus,
  SessionInfo,
  UsageTotals,
} from '../../../shared/contract/inspector-contract.ts';
import { isEnded } from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { loadSseFixture, readFixture } from '../../support/fixtures.ts';
import { createGate } from '../../support/gate.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../../support/headless-harness.ts';
import { jsonRecord } from '../../support/sample-records.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';
import { webSocketOutcome } from '../../support/websocket-outcome.ts';

let h: HeadlessHarness;
beforeEach(async () => {
  h = await startHeadlessHarness();
  h.upstream.respond('POST /v1/chat/completions', {
    chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 3 }),
  });
  h.upstream.respond('POST /v1/embeddings', { body: readFixture('openai-embeddings-base64.compact.json') });
});
afterEach(async () => {
  await h.close();
});

async function streamOnce(): Promise<string> {
  const stream = await h.openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'capital of Mexico?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

/** The listed exchanges, once at least `count` are listed and every one listed has ended. */
function listUntil(count: number, session = ''): Promise<ExchangeSummary[]> {
  return vi.waitFor(
    async () => {
      const list = (await (await h.api(`/api/exchanges${session}`)).json()) as ExchangeSummary[];
      expect(list.length, `at least ${count} exchanges listed`).toBeGreaterThanOrEqual(count);
      expect(
        list.filter((s) => !isEnded(s)).map((s) => s.state),
        'every listed exchange ended',
      ).toEqual([]);
      return list;
    },
    { timeout: 10_000, interval: 10 },
  );
}

/** A raw request with a chosen Host header (fetch will not let a test forge Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(h.ui.url + path, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('access control', () => {
  it('refuses a missing or wrong token', async () => {
    expect((await fetch(`${h.ui.url}/api/status`)).status).toBe(401);
    expect(
      (await fetch(`${h.ui.url}/api/status`, { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect((await fetch(`${h.ui.url}/api/status?token=nope`)).status).toBe(401);
    expect(
      (await fetch(`${h.ui.url}/api/status`, { headers: { authorization: `Bearer ${UI_TOKEN}` } })).status,
    ).toBe(200);
  });

  it('refuses a foreign Origin and a foreign Host (DNS rebinding)', async () => {
    const foreign = await h.api('/api/status', { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toContain(
      'evil.example',
    );
    const port = new URL(h.ui.url).port;
    expect(
      await rawGet('/api/status', { host: `evil.example:${port}`, authorization: `Bearer ${UI_TOKEN}` }),
    ).toBe(403);
    expect(
      await rawGet('/api/status', { host: `localhost:${port}`, authorization: `Bearer ${UI_TOKEN}` }),
    ).toBe(200);
    expect(await rawGet('/index.html', { host: `rebind.example:${port}` })).toBe(403);
  });

  it('refuses WebSocket upgrades without the token or from a foreign origin', async () => {
    const wsUrl = `${h.ui.url.replace('http', 'ws')}/api/events`;
    const outcome = webSocketOutcome;
    expect(await outcome(wsUrl)).toBe('401');
    expect(await outcome(`${wsUrl}?token=${UI_TOKEN}`, 'https://evil.example')).toBe('403');
    expect(await outcome(`${wsUrl}?token=${UI_TOKEN}`)).toBe('open');
  });
});

describe('the API', () => {
  it('lists exchanges, reads one in full, and totals usage', async () => {
    expect(await streamOnce()).toBe('The capital of Mexico is Mexico City.');
    await h.openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    const list = await listUntil(2);
    expect(list.map((s) => s.api)).toEqual(['openai.chat', 'openai.embeddings']);
    expect(Object.keys(list[0] as object)).not.toContain('chunks');

    const detail = (await (await h.api(`/api/exchanges/${list[0]?.id}`)).json()) as ExchangeRecord;
    expect(detail.merged?.text).toBe('The capital of Mexico is Mexico City.');
    expect(detail.chunks.length).toBeGreaterThan(5);
    expect(JSON.stringify(detail)).not.toContain(TEST_API_KEY);
    expect((await h.api('/api/exchanges/nope')).status).toBe(404);
    const noSession = await h.api('/api/export?format=har&session=2020-01-01T00-00-00-000Z-abcd');
    expect(noSession.status).toBe(400);
    expect(await noSession.text()).toContain('There is no session');

    const usage = (await (await h.api('/api/usage')).json()) as UsageTotals;
    expect(usage.byModel.find((r) => r.model === 'gpt-4o-2024-08-06')).toMatchObject({
      requests: 1,
      errors: 0,
      inputTokens: 14,
      outputTokens: 8,
      totalTokens: 22,
    });
    expect(usage.byTenant).toHaveLength(1);
    expect(usage.byTenant[0]).toMatchObject({
      requests: 2,
      inputTokens: 20,
      outputTokens: 8,
      totalTokens: 28,
    });
    expect(usage.byTenantModel).toHaveLength(2);
  });

  it('reports status, pauses capture, and changes settings (restarting the proxy)', async () => {
    const status = (await (await h.api('/api/status')).json()) as ProxyStatus;
    expect(status).toMatchObject({
      listening: true,
      upstream: h.upstream.url,
      capturePaused: false,
      error: null,
    });
    expect(status.session.current).toBe(true);

    const paused = (await (
      await h.api('/api/capture', { method: 'POST', body: JSON.stringify({ paused: true }) })
    ).json()) as ProxyStatus;
    expect(paused.capturePaused).toBe(true);
    expect(await streamOnce()).toBe('The capital of Mexico is Mexico City.');
    await h.api('/api/capture', { method: 'POST', body: JSON.stringify({ paused: false }) });
    // A marker captured after it: once the marker is listed, the paused exchange would have been too.
    await streamOnce();
    expect(await listUntil(1), 'only the exchange made after resuming is listed').toHaveLength(1);

    const bad = await h.api('/api/settings', {
      method: 'PUT',
      body: JSON.stringify({ listenAddr: 'nonsense', upstream: h.upstream.url }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'Invalid listen address',
    );

    const moved = (await (
      await h.api('/api/settings', {
        method: 'PUT',
        body: JSON.stringify({ listenAddr: '127.0.0.1:0', upstream: `${h.upstream.url}/prefix` }),
      })
    ).json()) as ProxyStatus;
    expect(moved.listening).toBe(true);
    expect(moved.upstream).toBe(`${h.upstream.url}/prefix`);
    h.upstream.respond('GET /prefix/v1/models', { body: '{"data":[]}' });
    const res = await fetch(`${moved.proxyUrl}/v1/models`);
    expect(res.status).toBe(200);
  });

  it('creates, lists and deletes sessions; past sessions stay readable', async () => {
    await streamOnce();
    const first = (await listUntil(1))[0] as ExchangeSummary;
    const before = (await (await h.api('/api/status')).json()) as ProxyStatus;
    const created = (await (await h.api('/api/sessions', { method: 'POST' })).json()) as SessionInfo;
    expect(created.current).toBe(true);
    expect(created.id).not.toBe(before.session.id);
    expect(await (await h.api('/api/exchanges')).json()).toEqual([]);

    const sessions = (await (await h.api('/api/sessions')).json()) as SessionInfo[];
    expect(sessions.map((s) => s.id)).toEqual([created.id, before.session.id]);
    expect(sessions[1]).toMatchObject({ exchanges: 1, current: false });
    const past = (await (
      await h.api(`/api/exchanges?session=${before.session.id}`)
    ).json()) as ExchangeSummary[];
    expect(past.map((s) => s.id)).toEqual([first.id]);

    expect((await h.api(`/api/sessions/${created.id}`, { method: 'DELETE' })).status).toBe(400);
    expect((await h.api(`/api/sessions/..%2F..%2Fetc`, { method: 'DELETE' })).status).toBe(400);
    expect((await h.api(`/api/sessions/${before.session.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(((await (await h.api('/api/sessions')).json()) as SessionInfo[]).map((s) => s.id)).toEqual([
      created.id,
    ]);
  });

  it('exports a session that is still being written, and imports it back', async () => {
    await streamOnce();
    await listUntil(1);
    // A stream in flight while exporting: the export holds what has ended, and nothing torn.
    h.upstream.respond('POST /v1/chat/completions', {
      chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 60 }),
    });
    const inFlight = streamOnce();
    const jsonl = await h.api('/api/export?format=jsonl');
    expect(jsonl.headers.get('content-disposition')).toMatch(/attachment; filename="tokentap-.*\.jsonl"/);
    const lines = (await jsonl.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0] as string) as ExchangeRecord).merged?.text).toBe(
      'The capital of Mexico is Mexico City.',
    );

    const har = (await (await h.api('/api/export?format=har')).json()) as { log: { entries: unknown[] } };
    expect(har.log.entries).toHaveLength(1);
    await inFlight;

    const imported = await h.api('/api/import?name=mine.jsonl', {
      method: 'POST',
      body: `${lines.join('\n')}\n`,
    });
    expect(imported.status).toBe(201);
    const result = (await imported.json()) as { session: SessionInfo; imported: number };
    expect(result.imported).toBe(1);
    const again = await h.api(`/api/export?format=jsonl&session=${result.session.id}`);
    expect((await again.text()).trimEnd()).toBe(lines[0]);

    const broken = await h.api('/api/import?name=bad.jsonl', {
      method: 'POST',
      body: `${lines[0]}\n{oops\n`,
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(/line 2/);
  });

  it('exports thousands of chosen exchanges with POST /api/export (too many ids for a URL)', async () => {
    const template = jsonRecord();
    const records = Array.from({ length: 4000 }, (_, i) => ({
      ...template,
      id: `${template.id.slice(0, 24)}${String(i).padStart(12, '0')}`,
      seq: i + 1,
    }));
    const imported = await h.api('/api/import?name=generated.jsonl', {
      method: 'POST',
      body: records.map((r) => JSON.stringify(r)).join('\n'),
    });
    expect(imported.status).toBe(201);
    const { session } = (await imported.json()) as { session: SessionInfo };
    // Every other one: 2,000 ids of 36 characters, over 70 KB, beyond what a URL may carry.
    const ids = records.filter((_, i) => i % 2 === 1).map((r) => r.id);
    expect(ids.join(',').length).toBeGreaterThan(64 * 1024);

    const jsonl = await h.api('/api/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'jsonl', session: session.id, ids }),
    });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.jsonl"/);
    const lines = (await jsonl.text()).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as ExchangeRecord).id)).toEqual(ids);

    const har = await h.api('/api/export', {
      method: 'POST',
      body: JSON.stringify({ format: 'har', session: session.id, ids: ids.slice(0, 3) }),
    });
    expect(((await har.json()) as { log: { entries: unknown[] } }).log.entries).toHaveLength(3);

    // The same checks as the IPC channel: a bad request is a 400 that says why.
    const bad = await h.api('/api/export', {
      method: 'POST',
      body: JSON.stringify({ format: 'zip', session: null, ids: null }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/format/);
    const notIds = await h.api('/api/export', {
      method: 'POST',
      body: JSON.stringify({ format: 'jsonl', ids: 'a,b' }),
    });
    expect(notIds.status).toBe(400);
  });

  it('lists and reads an exchange while it streams, then lists it once when it has ended', async () => {
    const gate = createGate();
    const chunks = loadSseFixture('openai-chat-stream-usage.sse').map((c) => c.data);
    h.upstream.respond('POST /v1/chat/completions', { kind: 'gated', chunks, gate });
    gate.release(2);
    const stream = await h.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'capital of Mexico?' }],
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    // In flight: the analysis worker answers for it until its record is in the session.
    const live = await vi.waitFor(
      async () => {
        const list = (await (await h.api('/api/exchanges')).json()) as ExchangeSummary[];
        const streaming = list.find((s) => s.state === 'streaming');
        expect(streaming, 'the exchange listed while it streams').toBeDefined();
        return streaming as ExchangeSummary;
      },
      { timeout: 10_000, interval: 10 },
    );
    const detail = (await (await h.api(`/api/exchanges/${live.id}`)).json()) as ExchangeRecord;
    expect(detail.state).toBe('streaming');
    expect(detail.chunks.length).toBeGreaterThan(0);
    expect(JSON.stringify(detail)).not.toContain(TEST_API_KEY);
    gate.releaseAll();
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      // Read to the end.
    }
    const ended = await listUntil(1);
    expect(ended.filter((s) => s.id === live?.id)).toMatchObject([{ state: 'complete' }]);
  });

  it('pushes live updates over the WebSocket in batches, the stream seen while it runs', async () => {
    const ws = new WebSocket(`${h.ui.url.replace('http', 'ws')}/api/events?token=${UI_TOKEN}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const batches: LiveUpdate[][] = [];
    ws.on('message', (data) => batches.push(JSON.parse(String(data)) as LiveUpdate[]));
    h.upstream.respond('POST /v1/chat/completions', {
      chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 30 }),
    });
    const statesSeen = () => batches.flat().flatMap((u) => (u.type === 'exchange' ? [u.summary.state] : []));
    // Live summaries start once the analysis thread has heard of the subscriber (a message away):
    // a stream that ran before that shows only its end, so stream until one is seen while it runs.
    for (let round = 1; round <= 5 && !statesSeen().includes('streaming'); round++) {
      await streamOnce();
      await listUntil(round);
    }
    // The final summary comes once the record is on disk (the writer's flush window): wait for it.
    await vi.waitFor(
      () => {
        if (statesSeen().at(-1) !== 'complete')
          throw new Error('waiting for the last update to say complete');
      },
      { timeout: 10_000 },
    );
    ws.close();
    expect(statesSeen()).toContain('streaming');
    // Coalesced: never two updates of one exchange in one batch.
    for (const batch of batches) {
      const ids = batch.flatMap((u) => (u.type === 'exchange' ? [u.summary.id] : []));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
