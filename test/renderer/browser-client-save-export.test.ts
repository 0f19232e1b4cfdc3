// @vitest-environment jsdom
/**
 * The browser client's `saveExport` against the real headless server (`npm run serve`'s entry as a
 * child process): the browser is handed a ticketed link to download the session from by itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBrowserClient } from '../../renderer/api/browser-client.ts';
import { type HeadlessProcess, startHeadlessProcess } from '../support/headless-process.ts';

const TOKEN = 'save-export-test-token';
let app: HeadlessProcess;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokentap-save-export-'));
  // A closed port as the upstream: the request is answered 502 at once, and captured.
  app = await startHeadlessProcess({
    TOKENTAP_TOKEN: TOKEN,
    TOKENTAP_DATA_DIR: dir,
    UPSTREAM: 'http://127.0.0.1:9',
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  app.child.kill();
  await app.exited;
  await rm(dir, { recursive: true, force: true });
});

/** The hrefs of the download links the page clicks (jsdom does not follow them). */
function clickedDownloads(): string[] {
  const hrefs: string[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    hrefs.push(this.href);
  });
  return hrefs;
}

describe('browser client saveExport over real HTTP', () => {
  it('has the browser download the session from a link with a ticket, never the token', async () => {
    await fetch(`${app.proxyUrl}/v1/models`).then((res) => res.arrayBuffer());
    const api = createBrowserClient({ origin: app.uiUrl, token: TOKEN, WebSocket: undefined as never });
    await vi.waitFor(async () => {
      const file = await api.export.build({ format: 'jsonl', session: null, ids: null });
      expect(file.content.trimEnd().split('\n'), 'the exchange stored').toHaveLength(1);
    });
    const hrefs = clickedDownloads();
    expect(await api.saveExport({ format: 'jsonl', session: null, ids: null })).toBeNull();
    expect(hrefs).toHaveLength(1);
    const link = hrefs[0] as string;
    expect(link).not.toContain(TOKEN);
    expect([...new URL(link).searchParams.keys()]).toEqual(['ticket']);
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect((await download.text()).trimEnd().split('\n')).toHaveLength(1);
  });
});
