/**
 * The renderer's store behind the real browser client and the real headless server: when the
 * page stops reading its live feed, the server drops what it cannot buffer; once the page reads
 * again it is resynchronised, its list re-fetched whole (the exchanges it missed included), and
 * live updates arrive again. The page's socket really stops reading (its TCP socket is paused).
 */
import { get } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createBrowserClient } from '../../renderer/api/browser-client.ts';
import { createInspectorStore, type InspectorStore } from '../../renderer/store/inspector-store.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../support/headless-harness.ts';
import { waitForStored } from '../support/stored-exchanges.ts';

// No DOM here: the store applies live batches per animation frame.
globalThis.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 16) as never;
globalThis.cancelAnimationFrame ??= (handle) => clearTimeout(handle as never);

const PAD = 'p'.repeat(3000);
let h: HeadlessHarness;
let stop: (() => void) | null = null;
let store: InspectorStore;
afterEach(async () => {
  stop?.();
  await h.close();
});

/** `count` requests through the proxy, 32 at a time (the fake upstream answers 404). */
async function pour(count: number, tag: string): Promise<void> {
  const proxy = h.service.proxy?.url as string;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      await new Promise<void>((resolve, reject) =>
        get(`${proxy}/v1/pad/${tag}-${n}/${PAD}`, (res) => res.resume().on('end', resolve)).on(
          'error',
          reject,
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

describe('a page that falls behind its live feed', () => {
  it('is resynchronised: its list re-fetched whole, then live again', async () => {
    h = await startHeadlessHarness(undefined, { liveFeed: { resyncAtBytes: 256 * 1024 } });
    const sockets: WebSocket[] = [];
    // The ws package as the page's WebSocket, so the test can reach its TCP socket.
    class PageSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    }
    const api = createBrowserClient({
      origin: h.ui.url,
      token: UI_TOKEN,
      WebSocket: PageSocket as unknown as typeof globalThis.WebSocket,
    });
    store = createInspectorStore(api);
    stop = store.actions.start();
    await vi.waitFor(() => expect(h.ui.liveClients(), 'the page subscribed').toHaveLength(1), {
      timeout: 5000,
    });
    await pour(3, 'before');
    await vi.waitFor(() => expect(store.getState().order, 'live rows shown').toHaveLength(3), {
      timeout: 5000,
    });

    const tcp = (sockets[0] as unknown as { _socket: Socket })._socket;
    tcp.pause();
    let poured = 3;
    while (!h.ui.liveClients()[0]?.resyncing) {
      expect(poured, 'the server never stopped queueing for the page').toBeLessThan(40_000);
      await pour(500, `fill${poured}`);
      poured += 500;
    }
    await pour(200, 'missed');
    poured += 200;
    // Every exchange poured written, and its "written" update broadcast (and dropped for the page),
    // before the page reads again. The session writer reports in bursts as its writes land; under
    // load a late burst after the resync could overflow the page's buffer a second time.
    await waitForStored(h.service, poured, { timeout: 30_000, interval: 50 });
    tcp.resume();

    // Every exchange the server has, the dropped ones included, and each once.
    await vi.waitFor(
      () => {
        expect(h.ui.liveClients()[0]?.resyncs, 'resynchronised').toBe(1);
        const { order } = store.getState();
        expect(order, 'the list re-fetched whole').toHaveLength(poured);
        expect(new Set(order).size).toBe(poured);
      },
      { timeout: 30_000, interval: 100 },
    );
    await pour(1, 'after');
    await vi.waitFor(
      () => {
        const { order, byId } = store.getState();
        expect(order, 'a live row after the resync').toHaveLength(poured + 1);
        expect(byId.get(order.at(-1) as string)?.path).toMatch(/^\/v1\/pad\/after-0\//);
      },
      { timeout: 10_000 },
    );
  }, 120_000);
});
