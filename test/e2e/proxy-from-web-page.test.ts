/**
 * Real Chromium, a real page on another local origin, calling the proxy's port the ways a
 * hostile page would (a `no-cors` POST) and the way an allowed web app in development does (CORS
 * with a preflight).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { type Harness, type HarnessOptions, startHarness } from '../support/tokentap-harness.ts';
import { chromiumOrWarn } from '../support/ui-app.ts';

const executable = chromiumOrWarn('the proxy-from-a-web-page tests');

let browser: BrowserContext;
let page: Page;
let site: Server;
let siteOrigin: string;
let h: Harness | undefined;

async function start(options?: HarnessOptions): Promise<Harness> {
  h = await startHarness(options);
  h.upstream.respond('POST /v1/chat/completions', { body: '{"id":"chatcmpl-1","object":"chat.completion"}' });
  return h;
}

describe.skipIf(!executable)('the proxy called from a web page in Chromium', () => {
  beforeAll(async () => {
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>some page</title>');
    });
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchChromium(executable as string);
    page = await browser.newPage();
    await page.goto(`${siteOrigin}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
  });

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('refuses a no-cors POST from a page whose origin is not allowed: nothing forwarded or recorded', async () => {
    const harness = await start();
    const outcome = await page.evaluate(async (url) => {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'steal' }] }),
      });
      return res.type;
    }, harness.proxyUrl);
    expect(outcome).toBe('opaque');
    expect(harness.upstream.requests).toHaveLength(0);
    // The next record is an ordinary request sent after: the page's request was never captured.
    await fetch(`${harness.proxyUrl}/v1/chat/completions?after=1`, { method: 'POST', body: '{}' });
    expect((await harness.nextRecord()).path).toBe('/v1/chat/completions?after=1');
  });

  it('serves a page whose origin is allowed, preflight and all, and lets it read the answer', async () => {
    const harness = await start({ allowedOrigins: [siteOrigin] });
    const answer = await page.evaluate(async (url) => {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-from-the-page' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      });
      return { status: res.status, body: await res.text() };
    }, harness.proxyUrl);
    expect(answer).toEqual({ status: 200, body: '{"id":"chatcmpl-1","object":"chat.completion"}' });
    expect(harness.upstream.requests).toHaveLength(1);
    expect(harness.upstream.requests[0]?.headers.origin).toBe(siteOrigin);
    expect((await harness.nextRecord()).model).toBe('gpt-4o');
  });
});
