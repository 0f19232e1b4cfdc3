/**
 * A live-feed reader that stops reading its socket: the server buffers at most a bound for it,
 * resynchronises it once it reads again (then live updates resume), and closes it as too slow
 * when it stays stalled. The client is a bare TCP socket that really stops reading.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveUpdate } from '../../../shared/contract/inspector-contract.ts';
import { type HeadlessHarness, startHeadlessHarness, UI_TOKEN } from '../../support/headless-harness.ts';
import { openRawWebSocket, type RawFrame } from '../../support/raw-websocket.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';

const RESYNC_AT = 256 * 1024;
// Long paths make every summary a few KB, so the kernel's socket buffers fill in a few thousand.
const PAD = 'p'.repeat(3000);

let h: HeadlessHarness;
afterEach(async () => {
  await h.close();
});

/** Sends `count` requests through the proxy (the fake upstream answers 404), 32 at a time. */
async function pour(count: number, tag = 'x'): Promise<void> {
  const proxy = h.service.proxy?.url as string;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const res = await fetch(`${proxy}/v1/pad/${tag}-${n}/${PAD}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

const updatesOf = (frame: RawFrame): LiveUpdate[] =>
  frame.opcode === 1 ? (JSON.parse(frame.payload.toString('utf8')) as LiveUpdate[]) : [];

describe('a live-feed client that stops reading', () => {
  it('is held to the bound, resynchronised when it reads again, then gets live updates', async () => {
    // Never closed as too slow here, however long a loaded machine takes to fill the buffers.
    h = await startHeadlessHarness(undefined, {
      liveFeed: { resyncAtBytes: RESYNC_AT, maxStallMs: 600_000 },
    });
    const port = Number(new URL(h.ui.url).port);
    const raw = await openRawWebSocket(port, `/api/events?token=${UI_TOKEN}`);
    raw.socket.pause();
    await vi.waitFor(() => expect(h.ui.liveClients()).toHaveLength(1), { timeout: 5000 });

    // Until the kernel's buffers are full and the server has had to stop queueing for it.
    let poured = 0;
    while (!h.ui.liveClients()[0]?.resyncing) {
      expect(poured, 'the server never stopped queueing for the stalled client').toBeLessThan(40_000);
      await pour(500, `fill${poured}`);
      poured += 500;
    }
    const atResync = h.ui.liveClients()[0]?.bufferedBytes ?? 0;
    expect(atResync).toBeLessThanOrEqual(RESYNC_AT);

    // As many again: nothing more is queued for it, once every one is written and its "written"
    // update broadcast (the session writer reports in bursts as its writes land; under load a late
    // burst after the resync would overflow the client a second time).
    await pour(poured, 'more');
    await waitForStored(h.service, 2 * poured, { timeout: 60_000, interval: 50 });
    const held = h.ui.liveClients()[0];
    expect(held?.resyncing).toBe(true);
    expect(held?.bufferedBytes).toBe(atResync);

    // It reads again: it drains, gets the resync (status + session = reload the list), then live.
    raw.socket.resume();
    const resync = await raw.frameMatching((f) => updatesOf(f).some((u) => u.type === 'session'));
    const resyncAt = raw.frames.indexOf(resync);
    expect(updatesOf(resync).map((u) => u.type)).toEqual(['status', 'session']);
    await vi.waitFor(() => expect(h.ui.liveClients()[0]).toMatchObject({ resyncing: false, resyncs: 1 }));

    await pour(1, 'live');
    const live = await raw.frameMatching(
      (f) => updatesOf(f).some((u) => u.type === 'exchange' && u.summary.path.startsWith('/v1/pad/live-0/')),
      resyncAt + 1,
    );
    expect(raw.frames.indexOf(live)).toBeGreaterThan(resyncAt);
    raw.socket.destroy();
  }, 300_000);

  it('is closed with code 1013 when it stays stalled', async () => {
    h = await startHeadlessHarness(undefined, { liveFeed: { resyncAtBytes: RESYNC_AT, maxStallMs: 50 } });
    const port = Number(new URL(h.ui.url).port);
    const raw = await openRawWebSocket(port, `/api/events?token=${UI_TOKEN}`);
    raw.socket.pause();
    await vi.waitFor(() => expect(h.ui.liveClients()).toHaveLength(1), { timeout: 5000 });
    let poured = 0;
    while (!h.ui.liveClients()[0]?.resyncing && !h.ui.liveClients()[0]?.closing) {
      expect(poured, 'the server never stopped queueing for the stalled client').toBeLessThan(40_000);
      await pour(500, `fill${poured}`);
      poured += 500;
    }
    await vi.waitFor(() => expect(h.ui.liveClients()[0]?.closing, 'closed as too slow').toBe(true), {
      timeout: 5000,
    });
    raw.socket.resume();
    const close = await raw.frameMatching((f) => f.opcode === 8);
    expect(close.payload.readUInt16BE(0)).toBe(1013);
    expect(close.payload.subarray(2).toString()).toContain('Too slow');
    expect(raw.frames.some((f) => updatesOf(f).some((u) => u.type === 'session'))).toBe(false);
    raw.socket.destroy();
  }, 120_000);
});
