/** The HTTP edges real clients and servers hit: Expect, early answers, 1xx, trailers, OPTIONS *. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import OpenAI, { APIError, toFile } from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WHOLE_BODY_BYTES } from '../../electron/proxy/whole-body.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import {
  answerWith,
  type RawUpstream,
  rawClient,
  startRawUpstream,
  statusLines,
} from '../support/raw-http.ts';
import { testTempDir } from '../support/test-temp-dir.ts';
import { type Harness, startHarness } from '../support/tokentap-harness.ts';

let h: Harness | undefined;
let raw: RawUpstream | undefined;
let service: Harness | undefined;
afterEach(async () => {
  await h?.close();
  await service?.close();
  await raw?.close();
  h = undefined;
  service = undefined;
  raw = undefined;
});

/** Tokentap in front of a raw-socket upstream, with the records it produces. */
async function proxyInFrontOf(
  upstream: RawUpstream | string,
): Promise<{ url: string; records: ExchangeRecord[] }> {
  service = await startHarness({ upstreamUrl: typeof upstream === 'string' ? upstream : upstream.url });
  return { url: service.proxyUrl, records: service.records };
}

function curl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`curl failed: ${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    ),
  );
}

async function tempFile(name: string, content: string | Buffer): Promise<string> {
  const path = join(await testTempDir('tokentap-edges-'), name);
  writeFileSync(path, content);
  return path;
}

const okJson = '{"ok":true}';

describe('Expect: 100-continue', () => {
  it('forwards the 2 MB body curl sends with its own Expect: 100-continue, and records it', async () => {
    h = await startHarness();
    h.upstream.respond('POST /v1/chat/completions', { body: okJson });
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(2e6) }] });
    const file = await tempFile('big.json', body);
    const { stdout, stderr } = await curl([
      '-v',
      '--data-binary',
      `@${file}`,
      '-H',
      'content-type: application/json',
      `${h.proxyUrl}/v1/chat/completions`,
    ]);
    // curl asked on its own (bodies over 1 MiB), and the proxy said go on.
    expect(stderr).toMatch(/> Expect: 100-continue/i);
    expect(stderr).toContain('< HTTP/1.1 100 Continue');
    expect(stdout).toBe(okJson);
    const seen = h.upstream.requests[0];
    expect(seen?.bodyBytes).toBe(body.length);
    expect(seen?.headers.expect).toBeUndefined();
    const record = await h.nextRecord();
    expect(record).toMatchObject({ state: 'complete', status: 200 });
    expect(record.request.bodyBytes).toBe(body.length);
  });

  it('answers a small body sent with -H "Expect: 100-continue"', async () => {
    h = await startHarness();
    h.upstream.respond('POST /v1/embeddings', { body: okJson });
    const { stdout, stderr } = await curl([
      '-v',
      '-d',
      '{"model":"text-embedding-3-small","input":"hi"}',
      '-H',
      'Expect: 100-continue',
      `${h.proxyUrl}/v1/embeddings`,
    ]);
    expect(stderr).toContain('< HTTP/1.1 100 Continue');
    expect(stdout).toBe(okJson);
    expect(h.upstream.requests[0]?.body.toString()).toBe('{"model":"text-embedding-3-small","input":"hi"}');
    expect(await h.nextRecord()).toMatchObject({ state: 'complete', model: 'text-embedding-3-small' });
  });

  it('leaves no exchange pending when the client goes after a 502 without sending its body', async () => {
    // Nothing listens on port 9 (discard) here: the upstream is unreachable. A body too large to be
    // read before forwarding streams, so the 502 comes before any of it.
    const proxy = await proxyInFrontOf('http://127.0.0.1:9');
    const client = await rawClient(
      proxy.url,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: ${WHOLE_BODY_BYTES + 1}\r\n\r\n`,
    );
    await client.until((text) => text.includes('upstream_unreachable'), 'the 502');
    client.socket.destroy();
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), {
      timeout: 5000,
      interval: 10,
    });
    expect(proxy.records[0]).toMatchObject({ state: 'error', error: { kind: 'upstream-unreachable' } });
  });

  it('forwards a body read whole from many pieces byte for byte, and records it as sent', async () => {
    h = await startHarness();
    h.upstream.respond('POST /v1/chat/completions', { body: okJson });
    // An agent-sized body with text past Latin-1, arriving in 40 pieces (undici writes them in turn).
    const body = Buffer.from(
      JSON.stringify({
        model: 'gpt-4o',
        messages: Array.from({ length: 40 }, (_, i) => ({
          role: 'user',
          content: `${i} é 你好 ${'x'.repeat(12_000)}`,
        })),
      }),
    );
    expect(body.length).toBeLessThan(WHOLE_BODY_BYTES);
    const client = await rawClient(
      h.proxyUrl,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
    );
    const piece = Math.ceil(body.length / 40);
    for (let at = 0; at < body.length; at += piece)
      await new Promise<void>((resolve) =>
        client.socket.write(body.subarray(at, at + piece), () => setImmediate(resolve)),
      );
    await client.until((text) => text.endsWith(okJson), 'the answer');
    expect(h.upstream.requests[0]?.body.equals(body)).toBe(true);
    const record = await h.nextRecord();
    expect(record).toMatchObject({ state: 'complete', status: 200, request: { bodyBytes: body.length } });
    expect(record.request.body).toBe(body.toString());
    client.socket.destroy();
  });

  it('keeps what a client sent of a small body when it goes before the rest, and sends nothing upstream', async () => {
    h = await startHarness();
    const client = await rawClient(
      h.proxyUrl,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"gpt-4o","messages":[`,
    );
    // Its row is listed while the body is still coming: the exchange is captured from its arrival.
    const harness = h;
    await vi.waitFor(
      async () =>
        expect(await harness.service.handlers['exchanges.list'](null)).toMatchObject([{ state: 'pending' }]),
      { timeout: 5000, interval: 10 },
    );
    client.socket.destroy();
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      state: 'aborted',
      error: { message: expect.stringContaining('nothing was sent upstream') },
      request: { body: '{"model":"gpt-4o","messages":[' },
    });
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('an upstream that answers before it has read the request', () => {
  /** Reads the head and the first body bytes, then answers 413 without reading any further. */
  const rejectsUploads = (socket: import('node:net').Socket) => {
    let seen = 0;
    const onData = (data: Buffer) => {
      seen += data.length;
      if (seen < 64 * 1024) return;
      socket.off('data', onData);
      socket.pause();
      const body = '{"error":{"message":"Request too large","type":"invalid_request_error"}}';
      socket.write(
        `HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
    };
    socket.on('data', onData);
  };
  const TOTAL = 20 * 1024 * 1024;

  it('gives a slowly streaming client the 413 at once, then drains its connection for the next request', async () => {
    raw = await startRawUpstream(rejectsUploads);
    const proxy = await proxyInFrontOf(raw);
    const client = await rawClient(
      proxy.url,
      'POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\ntransfer-encoding: chunked\r\n\r\n',
    );
    const piece = Buffer.alloc(64 * 1024, 'a');
    const chunk = Buffer.concat([
      Buffer.from(`${piece.length.toString(16)}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]);
    let sent = 0;
    // One chunk at a time, each once the last has left: a slow upload that stops when answered.
    while (sent < TOTAL && !client.received.includes('\r\n\r\n')) {
      await new Promise<void>((resolve) => client.socket.write(chunk, () => setImmediate(resolve)));
      sent += piece.length;
    }
    await client.until((text) => text.includes('Request too large'), 'the 413 body');
    expect(statusLines(client.received)).toEqual([413]);
    expect(sent).toBeLessThan(TOTAL);
    // The client finishes its body (the proxy reads and discards it) and asks again on the same connection.
    client.socket.write('0\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await client.until((text) => statusLines(text).length === 2, 'the answer to the next request');
    expect(statusLines(client.received)).toEqual([413, 200]);
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(proxy.records[0]).toMatchObject({ status: 413, path: '/v1/audio/transcriptions' });
  });

  it('the OpenAI SDK uploading a 20 MB file gets the 413 as an APIError', async () => {
    raw = await startRawUpstream(rejectsUploads);
    const proxy = await proxyInFrontOf(raw);
    const openai = new OpenAI({
      apiKey: 'sk-test',
      baseURL: `${proxy.url}/v1`,
      maxRetries: 0,
      timeout: 20_000,
    });
    const file = await toFile(Buffer.alloc(TOTAL, 'c'), 'batch.jsonl');
    const error = await openai.files.create({ file, purpose: 'batch' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(413);
    expect((error as APIError).message).toContain('Request too large');
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(proxy.records[0]).toMatchObject({ status: 413, path: '/v1/files' });
  });

  it('curl uploading 20 MB gets the 413 without sending it all', async () => {
    raw = await startRawUpstream(rejectsUploads);
    const proxy = await proxyInFrontOf(raw);
    const file = await tempFile('upload.bin', Buffer.alloc(TOTAL, 'b'));
    const { stdout } = await curl([
      '--limit-rate',
      '4M',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{size_upload}',
      '--data-binary',
      `@${file}`,
      `${proxy.url}/v1/files`,
    ]);
    const [status, uploaded] = stdout.split(' ').map(Number);
    expect(status).toBe(413);
    expect(uploaded).toBeLessThan(TOTAL);
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(proxy.records[0]?.status).toBe(413);
  });
});

describe('interim (1xx) responses from the upstream', () => {
  const final = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}';

  it('passes 103 Early Hints on to the client, then the final response', async () => {
    raw = await startRawUpstream(
      answerWith(`HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n${final}`),
    );
    const proxy = await proxyInFrontOf(raw);
    const result = await new Promise<{ hints: unknown[]; status: number; body: string }>(
      (resolve, reject) => {
        const hints: unknown[] = [];
        const req = httpRequest(`${proxy.url}/v1/models`, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ hints, status: res.statusCode ?? 0, body }));
        });
        req.on('information', (info) => hints.push({ status: info.statusCode, link: info.headers.link }));
        req.on('error', reject);
        req.end();
      },
    );
    expect(result).toEqual({
      hints: [{ status: 103, link: '</style.css>; rel=preload' }],
      status: 200,
      body: '{"ok":true}',
    });
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(proxy.records[0]).toMatchObject({
      status: 200,
      state: 'complete',
      response: { body: '{"ok":true}' },
    });
  });

  it('drops 102 Processing and still delivers the final response', async () => {
    raw = await startRawUpstream(answerWith(`HTTP/1.1 102 Processing\r\n\r\n${final}`));
    const proxy = await proxyInFrontOf(raw);
    const client = await rawClient(proxy.url, 'GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await client.until((text) => text.includes('{"ok":true}'), 'the final body');
    expect(statusLines(client.received)).toEqual([200]);
  });
});

describe('trailers from the upstream', () => {
  it('forwards them after the last chunk', async () => {
    raw = await startRawUpstream(
      answerWith(
        'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\ntrailer: x-checksum\r\n\r\n' +
          '5\r\nhello\r\n0\r\nx-checksum: sha256=abc\r\n\r\n',
      ),
    );
    const proxy = await proxyInFrontOf(raw);
    const result = await new Promise<{ body: string; trailers: NodeJS.Dict<string> }>((resolve, reject) => {
      httpRequest(`${proxy.url}/v1/files/1/content`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ body, trailers: res.trailers }));
      })
        .on('error', reject)
        .end();
    });
    expect(result).toEqual({ body: 'hello', trailers: { 'x-checksum': 'sha256=abc' } });
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), { timeout: 5000, interval: 10 });
    expect(proxy.records[0]?.response).toMatchObject({
      body: 'hello',
      trailers: { 'x-checksum': 'sha256=abc' },
    });
  });
});

describe('OPTIONS *', () => {
  it('is answered by the proxy with the methods it forwards', async () => {
    h = await startHarness();
    const client = await rawClient(h.proxyUrl, 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const text = await client.until((t) => t.includes('\r\n\r\n'), 'the answer');
    expect(statusLines(text)).toEqual([200]);
    expect(text.toLowerCase()).toContain('allow: get, head, post, put, patch, delete, options');
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('more edges', () => {
  it('answers a request head over the size limit with 431, not a bare 400', async () => {
    h = await startHarness();
    const client = await rawClient(
      h.proxyUrl,
      `GET /v1/models?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(statusLines(await client.closed())).toEqual([431]);
  });

  it('refuses CONNECT with 405 and an explanation instead of dropping the connection', async () => {
    h = await startHarness();
    const client = await rawClient(
      h.proxyUrl,
      'CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n',
    );
    const text = await client.closed();
    expect(statusLines(text)).toEqual([405]);
    expect(text).toContain('"code":"connect_not_supported"');
  });

  it.each([
    ['alone', 'HTTP/1.1 100 Continue\r\n\r\n'],
    ['twice, with a header', 'HTTP/1.1 100 Continue\r\nx-a: 1\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n'],
  ])(
    'drops a 100 Continue nobody asked for (%s) and delivers the answer after it',
    async (_what, interim) => {
      raw = await startRawUpstream(
        answerWith(
          `${interim}HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}`,
        ),
      );
      const proxy = await proxyInFrontOf(raw);
      const client = await rawClient(proxy.url, 'GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await client.until((t) => t.includes('{"ok":true}'), 'the final answer');
      // The same upstream connection serves the next request too.
      client.socket.write('GET /v1/models?again=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await client.until((t) => t.split('{"ok":true}').length === 3, 'the second answer');
      expect(statusLines(client.received)).toEqual([200, 200]);
      expect(raw.connections).toBe(1);
      await vi.waitFor(() => expect(proxy.records).toHaveLength(2), { timeout: 5000, interval: 10 });
      expect(proxy.records[0]).toMatchObject({
        status: 200,
        state: 'complete',
        response: { body: '{"ok":true}' },
      });
    },
  );

  it.each([
    ['a reason phrase Node will not write', 'HTTP/1.1 200 O\x7fK\r\ncontent-length: 2\r\n\r\nok', [200]],
    [
      'a header value that is not HTTP',
      'HTTP/1.1 200 OK\r\nx-bad: a\x7fb\r\ncontent-length: 2\r\n\r\nok',
      [502],
    ],
  ])('answers an upstream response with %s, and records it', async (_what, wire, statuses) => {
    raw = await startRawUpstream(answerWith(wire));
    const proxy = await proxyInFrontOf(raw);
    const client = await rawClient(
      proxy.url,
      'GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    const text = await client.closed();
    expect(statusLines(text)).toEqual(statuses);
    if (statuses[0] === 502) expect(text).toContain('"code":"upstream_bad_response"');
    else expect(text.endsWith('\r\n\r\nok')).toBe(true);
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), { timeout: 5000, interval: 10 });
  });

  it('gives an HTTP/1.0 client a chunked upstream answer with trailers as a plain body', async () => {
    raw = await startRawUpstream(
      answerWith(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: x-checksum\r\n\r\n2\r\nok\r\n0\r\nx-checksum: 1\r\n\r\n',
      ),
    );
    const proxy = await proxyInFrontOf(raw);
    const client = await rawClient(proxy.url, 'GET /v1/files/1/content HTTP/1.0\r\n\r\n');
    const text = await client.closed();
    expect(statusLines(text)).toEqual([200]);
    expect(text.endsWith('\r\n\r\nok')).toBe(true);
    expect(text.toLowerCase()).not.toContain('transfer-encoding');
  });
});
