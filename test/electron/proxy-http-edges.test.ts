/** The HTTP edges real clients and servers hit: Expect, early answers, 1xx, trailers, OPTIONS *. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordOf } from '../../electron/capture/finished-exchange.ts';
import { type CaptureService, startCaptureService } from '../../electron/capture-service.ts';
import { parseUpstream } from '../../electron/proxy/upstream-target.ts';
import type { ExchangeRecord } from '../../shared/exchange-record.ts';
import {
  answerWith,
  type RawUpstream,
  rawClient,
  startRawUpstream,
  statusLines,
} from '../support/raw-http.ts';
import { type Harness, startHarness } from '../support/tokentap-harness.ts';

let h: Harness | undefined;
let raw: RawUpstream | undefined;
let service: CaptureService | undefined;
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
  const records: ExchangeRecord[] = [];
  service = await startCaptureService({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: parseUpstream(typeof upstream === 'string' ? upstream : upstream.url),
    headersTimeoutMs: 10_000,
    onRecord: (exchange) => records.push(recordOf(exchange)),
  });
  return { url: service.proxy.url, records };
}

function curl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`curl failed: ${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    ),
  );
}

async function tempFile(name: string, content: string | Buffer): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'tokentap-edges-')), name);
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
    // Nothing listens on port 9 (discard) here: the upstream is unreachable.
    const proxy = await proxyInFrontOf('http://127.0.0.1:9');
    const client = await rawClient(
      proxy.url,
      'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 1000\r\n\r\n',
    );
    await client.until((text) => text.includes('upstream_unreachable'), 'the 502');
    client.socket.destroy();
    await vi.waitFor(() => expect(proxy.records).toHaveLength(1), {
      timeout: 5000,
      interval: 10,
    });
    expect(proxy.records[0]).toMatchObject({ state: 'error', error: { kind: 'upstream-unreachable' } });
  });
});
