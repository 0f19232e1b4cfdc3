/** The browser client against the real headless server: export links carry a ticket, once. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBrowserClient } from '../../renderer/api/browser-client.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../support/headless-harness.ts';

let h: HeadlessHarness;
beforeEach(async () => {
  h = await startHeadlessHarness();
});
afterEach(async () => {
  await h.close();
});

describe('browser client export links over real HTTP', () => {
  it('downloads through a link that carries no token and works exactly once', async () => {
    await fetch(`${h.service.proxy?.url}/v1/models`).then((res) => res.arrayBuffer());
    const api = createBrowserClient({ origin: h.ui.url, token: UI_TOKEN, WebSocket: undefined as never });
    // The page's own export call, with the token as a header; once the exchange is in the session.
    await vi.waitFor(async () => {
      const file = await api.export.build({ format: 'jsonl', session: null, ids: null });
      expect(file.content.trimEnd().split('\n'), 'the exchange stored').toHaveLength(1);
    });
    const link = await api.exportUrl({ format: 'jsonl', session: null, ids: null });
    expect(link).not.toBeNull();
    expect(link).not.toContain(UI_TOKEN);
    expect([...new URL(link as string).searchParams.keys()]).toEqual(['ticket']);

    const first = await fetch(link as string);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="tokentap-.*\.jsonl"/);
    expect((await first.text()).trimEnd().split('\n')).toHaveLength(1);
    expect((await fetch(link as string)).status).toBe(403);
  });
});
