/** Web pages cannot use the proxy's port (and the user's keys) unless their origin is allowed. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorService } from '../../electron/inspector-service.ts';
import { parseAllowedOrigins } from '../../electron/proxy/allowed-origins.ts';
import { proxyConfigFromEnv } from '../../electron/proxy-config.ts';
import { loadSettings } from '../../electron/settings-store.ts';
import { rawClient, statusLines } from '../support/raw-http.ts';
import { testTempDir } from '../support/test-temp-dir.ts';
import {
  type Harness,
  type HarnessOptions,
  startHarness,
  TEST_API_KEY,
} from '../support/tokentap-harness.ts';

let h: Harness | undefined;
async function start(options?: HarnessOptions): Promise<Harness> {
  h = await startHarness(options);
  h.upstream.respond('*', { body: '{"ok":true}' });
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const APP = 'http://localhost:5173';
const chat = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });

async function post(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', authorization: `Bearer ${TEST_API_KEY}`, ...headers },
    body: chat,
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

/** Sends one ordinary request and checks that it is the next record: nothing refused was recorded. */
async function nothingElseRecorded(harness: Harness, upstreamRequestsBefore: number): Promise<void> {
  expect(harness.upstream.requests).toHaveLength(upstreamRequestsBefore);
  const res = await request(`${harness.proxyUrl}/v1/models?marker=1`);
  await res.body.text();
  expect((await harness.nextRecord()).path).toBe('/v1/models?marker=1');
}

describe('requests from web pages', () => {
  it.each([
    ['a page on another site (no-cors POST)', { origin: 'http://evil.example' }],
    ['a page on localhost (another port)', { origin: 'http://localhost:8080' }],
    ['a sandboxed iframe', { origin: 'null' }],
    ['a cross-site request without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['a same-site request without Origin', { 'sec-fetch-site': 'same-site' }],
  ])('refuses %s with a 403 in the OpenAI shape, neither forwarded nor recorded', async (_what, headers) => {
    const harness = await start();
    const res = await post(`${harness.proxyUrl}/v1/chat/completions`, headers);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/json');
    const { error } = JSON.parse(res.body) as { error: { code: string; message: string; type: string } };
    expect(error.code).toBe('origin_not_allowed');
    expect(error.message).toContain('TOKENTAP_ALLOWED_ORIGINS');
    await nothingElseRecorded(harness, 0);
  });

  it('lets SDKs, curl and the user’s own tab (Sec-Fetch-Site: none) through', async () => {
    const harness = await start();
    expect((await post(`${harness.proxyUrl}/v1/chat/completions`, {})).status).toBe(200);
    expect((await post(`${harness.proxyUrl}/v1/chat/completions`, { 'sec-fetch-site': 'none' })).status).toBe(
      200,
    );
    expect(harness.upstream.requests).toHaveLength(2);
  });

  it('serves an allowed origin: its preflight is answered here, its requests forwarded with CORS headers', async () => {
    const harness = await start({ allowedOrigins: [APP] });
    const preflight = await request(`${harness.proxyUrl}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
        'access-control-request-private-network': 'true',
      },
    });
    await preflight.body.text();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-allow-private-network': 'true',
    });
    expect(harness.upstream.requests).toHaveLength(0);

    const res = await post(`${harness.proxyUrl}/v1/chat/completions`, {
      origin: APP,
      'sec-fetch-site': 'same-site',
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers.vary).toContain('Origin');
    expect(harness.upstream.requests[0]?.headers.origin).toBe(APP);
    expect((await harness.nextRecord()).path).toBe('/v1/chat/completions');
  });

  it('refuses the preflight of an origin that is not allowed', async () => {
    const harness = await start({ allowedOrigins: [APP] });
    const res = await request(`${harness.proxyUrl}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3001', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await res.body.text();
    expect(harness.upstream.requests).toHaveLength(0);
  });
});

describe('Host (DNS rebinding)', () => {
  it.each([
    'localhost',
    'localhost:3000',
    '127.0.0.1',
    '127.0.0.2:80',
    '[::1]:3000',
    'app.localhost',
    '192.168.1.20',
  ])('accepts Host: %s', async (host) => {
    const harness = await start();
    const client = await rawClient(harness.proxyUrl, `GET /v1/models HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(statusLines(await client.until((t) => t.includes('{"ok":true}'), 'the answer'))).toEqual([200]);
    client.socket.destroy();
  });

  it.each(['evil.example', 'evil.example:3000', 'localhost.evil.example', 'x y'])(
    'refuses Host: %s with 403 (a rebound name), not forwarded',
    async (host) => {
      const harness = await start();
      const client = await rawClient(harness.proxyUrl, `GET /v1/models HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      const text = await client.until((t) => t.includes('}}'), 'the refusal');
      expect(statusLines(text)).toEqual([403]);
      expect(text).toContain('"code":"host_not_allowed"');
      client.socket.destroy();
      await nothingElseRecorded(harness, 0);
    },
  );

  it('accepts the host of an allowed origin', async () => {
    const harness = await start({ allowedOrigins: ['http://devbox.test:5173'] });
    const client = await rawClient(
      harness.proxyUrl,
      'GET /v1/models HTTP/1.1\r\nHost: devbox.test:3000\r\n\r\n',
    );
    expect(statusLines(await client.until((t) => t.includes('{"ok":true}'), 'the answer'))).toEqual([200]);
    client.socket.destroy();
  });
});

describe('request targets', () => {
  it.each(['http://evil.example/v1/models', 'https://api.openai.com/v1/models'])(
    'refuses the absolute-form target %s with 400 (Tokentap is not a forward proxy)',
    async (target) => {
      const harness = await start();
      const client = await rawClient(harness.proxyUrl, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      const text = await client.until((t) => t.includes('}}'), 'the refusal');
      expect(statusLines(text)).toEqual([400]);
      expect(text).toContain('"code":"absolute_form_target"');
      client.socket.destroy();
      await nothingElseRecorded(harness, 0);
    },
  );
});

describe('TOKENTAP_ALLOWED_ORIGINS', () => {
  it('is a comma-separated list of origins, normalised as browsers send them', () => {
    expect(parseAllowedOrigins('')).toEqual([]);
    expect(
      parseAllowedOrigins(' http://localhost:5173, https://App.Example:443 ,http://localhost:5173'),
    ).toEqual(['http://localhost:5173', 'https://app.example']);
    expect(() => parseAllowedOrigins('localhost:5173')).toThrow(/Invalid allowed origin "localhost:5173"/);
    expect(() => parseAllowedOrigins('http://localhost:5173/app')).toThrow(/no path/);
    expect(proxyConfigFromEnv({ TOKENTAP_ALLOWED_ORIGINS: 'http://localhost:5173' }).allowedOrigins).toEqual([
      'http://localhost:5173',
    ]);
    expect(() => proxyConfigFromEnv({ TOKENTAP_ALLOWED_ORIGINS: 'ftp://x' })).toThrow(
      /^TOKENTAP_ALLOWED_ORIGINS: /,
    );
  });
});

describe('allowed origins in the settings', () => {
  it('are saved with the other settings, applied to the running proxy, and the environment wins', async () => {
    const harness = await start();
    const dataDir = await testTempDir('tokentap-origins-');
    const env = { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: harness.upstream.url };
    const service = await InspectorService.start({ dataDir, env, headersTimeoutMs: 5000, log: () => {} });
    try {
      const fromApp = { origin: APP };
      const proxySettings = { listenAddr: '127.0.0.1:0', upstream: harness.upstream.url };
      const before = await service.handlers['status.get']();
      expect(before.allowedOrigins).toBe('');
      expect((await post(`${before.proxyUrl}/v1/chat/completions`, fromApp)).status).toBe(403);
      await expect(
        service.handlers['settings.update']({ ...proxySettings, allowedOrigins: 'localhost:5173' }),
      ).rejects.toThrow(/Invalid allowed origin/);
      const after = await service.handlers['settings.update']({ ...proxySettings, allowedOrigins: APP });
      expect(after.allowedOrigins).toBe(APP);
      expect((await post(`${after.proxyUrl}/v1/chat/completions`, fromApp)).status).toBe(200);
      // An update that does not name them (an older client) leaves them as they are.
      const kept = await service.handlers['settings.update'](proxySettings);
      expect(kept.allowedOrigins).toBe(APP);
      const saved = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as object;
      expect(saved).toMatchObject({ allowedOrigins: APP });
      expect((await loadSettings(dataDir, {})).allowedOrigins).toBe(APP);
      expect((await loadSettings(dataDir, { TOKENTAP_ALLOWED_ORIGINS: '' })).allowedOrigins).toBe('');
    } finally {
      await service.close();
    }
  });
});
