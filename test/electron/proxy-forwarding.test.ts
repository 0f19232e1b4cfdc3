/** What the client receives is what the upstream sent, as it is sent: bytes, headers, timing. */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from '../../electron/proxy/proxy-server.ts';
import { parseUpstream } from '../../electron/proxy/upstream-target.ts';
import { loadSseFixture, readFixture } from '../support/fixtures.ts';
import { createGate } from '../support/gate.ts';
import {
  type Harness,
  type HarnessOptions,
  startHarness,
  TEST_API_KEY,
} from '../support/tokentap-harness.ts';

let h: Harness;
async function start(options?: HarnessOptions): Promise<Harness> {
  h = await startHarness(options);
  return h;
}
afterEach(async () => {
  await h?.close();
});

function rawRequest(
  url: string,
  method: string,
  body: string,
  headers: OutgoingHttpHeaders,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('streaming without buffering', () => {
  it('delivers chunk 1 to the SDK while the upstream still withholds chunk 2', async () => {
    await start();
    const gate = createGate();
    const chunks = loadSseFixture('openai-chat-stream-usage.sse').map((c) => c.data);
    h.upstream.respond('POST /v1/chat/completions', { kind: 'gated', chunks, gate });
    gate.release(1);

    const stream = await h.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // The SDK holds chunk 1; the upstream has written exactly one chunk and is holding the rest.
    expect(gate.written).toBe(1);
    gate.releaseAll();
    let rest = 0;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest++;
    expect(rest).toBeGreaterThan(5);
    const record = await h.nextRecord();
    expect(record.state).toBe('complete');
  });

  it('passes a gzip stream through byte for byte and still analyses it', async () => {
    await start();
    const chunks = loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 2 });
    h.upstream.respond('POST /v1/chat/completions', { chunks, gzip: true });
    const res = await request(`${h.proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'accept-encoding': 'gzip' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true }),
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    const received = Buffer.from(await res.body.arrayBuffer());
    expect(received.equals(h.upstream.requests[0]?.sentBody as Buffer)).toBe(true);
    expect(gunzipSync(received, { finishFlush: 2 }).toString()).toBe(
      readFixture('openai-chat-stream-usage.sse').toString(),
    );

    const record = await h.nextRecord();
    expect(record.merged?.text).toBe('The capital of Mexico is Mexico City.');
    expect(record.usage?.totalTokens).toBe(22);
    expect(record.response?.body).toBe(readFixture('openai-chat-stream-usage.sse').toString());
  });
});

describe('responses that arrive all at once', () => {
  it('delivers headers, every chunk and the end that reach the proxy in one packet', async () => {
    // A raw upstream writing a whole chunked response in one write, so undici hands the proxy the
    // headers, the body and the end within one tick.
    const wire =
      'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n' +
      '9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n0\r\n\r\n';
    const raw = createNetServer((socket) => socket.on('data', () => socket.write(wire)));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const port = (raw.address() as { port: number }).port;
    const proxy = await startProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: parseUpstream(`http://127.0.0.1:${port}`),
      headersTimeoutMs: 5000,
      sink: { push() {} },
    });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(`${proxy.url}/v1/stream`);
        expect(res.statusCode).toBe(200);
        expect(await res.body.text()).toBe('data: 1\n\ndata: 2\n\n');
      }
    } finally {
      await proxy.close();
      raw.close();
    }
  });
});

describe('what is forwarded', () => {
  it('keeps method, path prefix, query and end-to-end headers; drops hop-by-hop ones', async () => {
    await start({ upstreamPrefix: '/openai' });
    h.upstream.respond(
      { method: 'PATCH' },
      { body: 'ok', headers: { 'content-type': 'text/plain', 'x-upstream': 'yes' } },
    );
    // node:http, because undici (rightly) refuses to send hop-by-hop headers at all.
    const res = await rawRequest(`${h.proxyUrl}/v1/things/42?x=1&y=%20z`, 'PATCH', 'patch-body', {
      'x-custom': 'kept',
      connection: 'keep-alive, x-drop-me',
      'x-drop-me': 'named by Connection',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic abc',
      'openai-organization': 'org-123',
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.body).toBe('ok');
    const seen = h.upstream.requests[0];
    expect(seen?.url).toBe('/openai/v1/things/42?x=1&y=%20z');
    expect(seen?.headers['x-custom']).toBe('kept');
    expect(seen?.headers['openai-organization']).toBe('org-123');
    expect(seen?.headers['x-drop-me']).toBeUndefined();
    expect(seen?.headers['keep-alive']).toBeUndefined();
    expect(seen?.headers['proxy-authorization']).toBeUndefined();
    expect(seen?.headers.host).toBe(new URL(h.upstream.url).host);
    expect(seen?.body.toString()).toBe('patch-body');

    const record = await h.nextRecord();
    expect(record).toMatchObject({
      method: 'PATCH',
      api: 'http',
      organization: 'org-123',
      state: 'complete',
    });
  });

  it('forwards a key in the query string untouched, and captures the path with it redacted', async () => {
    await start();
    const secret = 'AIzaSyTESTqueryKEY0123456789abcdef';
    h.upstream.respond({ method: 'POST' }, { body: '{"ok":true}' });
    const res = await rawRequest(
      `${h.proxyUrl}/v1beta/models/gemini-2.0-flash:generateContent?alt=sse&key=${secret}`,
      'POST',
      '{}',
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(200);
    expect(h.upstream.requests[0]?.url).toBe(
      `/v1beta/models/gemini-2.0-flash:generateContent?alt=sse&key=${secret}`,
    );
    const record = await h.nextRecord();
    expect(record.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent?alt=sse&key=[redacted]');
    expect(JSON.stringify(record)).not.toContain(secret);
    expect(h.logs.join('\n')).not.toContain(secret);
  });

  it('forwards GET without a body and keeps connections alive to the upstream', async () => {
    await start();
    h.upstream.respond('GET /v1/models', { body: '{"data":[]}' });
    for (let i = 0; i < 3; i++) {
      const models = await h.openai.models.list();
      expect(models.data).toEqual([]);
    }
    const ids = h.upstream.requests.map((r) => r.connectionId);
    expect(new Set(ids).size).toBe(1);
  });

  it('forwards a 20 MiB request body intact and caps only the capture', async () => {
    await start();
    h.upstream.respond('POST /v1/embeddings', {
      body: readFixture('openai-embeddings-float.truncated.json'),
    });
    const big = Buffer.alloc(20 * 1024 * 1024, 'a');
    big.write('{"model":"text-embedding-3-small","input":"');
    big.write('"}', big.length - 2);
    const res = await request(`${h.proxyUrl}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const seen = h.upstream.requests[0];
    expect(seen?.bodyBytes).toBe(big.length);
    expect(seen?.body.equals(big)).toBe(true);
    const record = await h.nextRecord();
    expect(record.request.bodyTruncated).toBe(true);
    expect(record.request.bodyBytes).toBe(big.length);
    expect(record.request.body.length).toBe(16 * 1024 * 1024);
    expect(record.model).toBe('text-embedding-3-small');
  });

  it('caps the response capture and flags it, while the client gets every byte', async () => {
    await start({ limits: { requestBodyBytes: 1024, responseBodyBytes: 64 * 1024 } });
    const body = Buffer.alloc(3 * 1024 * 1024, 'b');
    h.upstream.respond('GET /files/big', { body, headers: { 'content-type': 'application/octet-stream' } });
    const res = await request(`${h.proxyUrl}/files/big`);
    const received = Buffer.from(await res.body.arrayBuffer());
    expect(received.equals(body)).toBe(true);
    const record = await h.nextRecord();
    expect(record.response?.bodyTruncated).toBe(true);
    expect(record.response?.bodyBytes).toBe(body.length);
    // Bytes that are not text are kept as base64.
    expect(record.response?.encoding).toBe('base64');
    expect(Buffer.from(record.response?.body ?? '', 'base64')).toEqual(body.subarray(0, 64 * 1024));
  });

  it('forwards a malformed JSON body unchanged and captures it as text', async () => {
    await start();
    h.upstream.respond('POST /v1/chat/completions', {
      status: 400,
      body: readFixture('openai-error-404-model-not-found.compact.json'),
    });
    const malformed = '{"model": "gpt-4o", "messages": [ oops';
    const res = await request(`${h.proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: malformed,
    });
    expect(res.statusCode).toBe(400);
    await res.body.text();
    expect(h.upstream.requests[0]?.body.toString()).toBe(malformed);
    const record = await h.nextRecord();
    expect(record.request.body).toBe(malformed);
    expect(record.model).toBeNull();
    expect(record.api).toBe('openai.chat');
    expect(record.usage).toBeNull();
    // The upstream answered 400: the exchange failed, with the provider's error.
    expect(record.state).toBe('error');
    expect(record.error).toMatchObject({ kind: 'upstream-http-error', status: 400, code: 'model_not_found' });
  });
});
