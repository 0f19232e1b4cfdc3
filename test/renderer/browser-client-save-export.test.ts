/**
 * The browser client's `saveExport` against the real headless server: the browser is handed a
 * ticketed link to download the session from by itself (what the export menu does in a browser).
 * The server side runs in Node (the SDK the harness uses refuses a browser environment), the page's
 * document is a jsdom one.
 */
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBrowserClient } from '../../renderer/api/browser-client.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../support/headless-harness.ts';

let h: HeadlessHarness;
let page: JSDOM;
beforeEach(async () => {
  h = await startHeadlessHarness();
  page = new JSDOM('<!doctype html><body></body>', { url: h.ui.url });
  vi.stubGlobal('document', page.window.document);
});
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  page.window.close();
  await h.close();
});

/** The hrefs of the download links the page clicks (jsdom does not follow them). */
function clickedDownloads(): string[] {
  const hrefs: string[] = [];
  vi.spyOn(page.window.HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    hrefs.push(this.href);
  });
  return hrefs;
}

describe('browser client saveExport over real HTTP', () => {
  it('has the browser download the session from a link with a ticket, never the token', async () => {
    await fetch(`${h.service.proxy?.url}/v1/models`).then((res) => res.arrayBuffer());
    const api = createBrowserClient({ origin: h.ui.url, token: UI_TOKEN, WebSocket: undefined as never });
    await vi.waitFor(async () => {
      const list = await api.exchanges.list(null);
      expect(list, 'the exchange listed').toHaveLength(1);
    });
    const hrefs = clickedDownloads();
    expect(await api.saveExport({ format: 'jsonl', session: null, ids: null })).toBeNull();
    expect(hrefs).toHaveLength(1);
    const link = hrefs[0] as string;
    expect(link).not.toContain(UI_TOKEN);
    expect([...new URL(link).searchParams.keys()]).toEqual(['ticket']);
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect((await download.text()).trimEnd().split('\n')).toHaveLength(1);
  });
});
