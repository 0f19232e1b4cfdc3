import { describe, expect, it } from 'vitest';
import { type BatchClock, UpdateBatcher } from '../../../electron/bridge/update-batcher.ts';
import type { LiveUpdate } from '../../../shared/contract/inspector-contract.ts';
import { summarise } from '../../../shared/exchange/exchange-summary.ts';
import { sampleExchange } from '../../support/sample-records.ts';

/** A clock the test turns by hand; `early` makes timers fire that many ms before they are due (as Node's can). */
function manualClock(early = 0): BatchClock & { advance(ms: number): void; timers: number } {
  let now = 1000;
  let timers: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    after(ms, run) {
      // Early, but never before the next millisecond (as Node's timers).
      const timer = { at: now + (early > 0 ? Math.max(1, ms - early) : ms), run };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = Math.max(now, due.at);
        due.run();
      }
      now = end;
    },
    get timers() {
      return timers.length;
    },
  };
}

function rig(options: { maxBatch?: number; early?: number } = {}) {
  const clock = manualClock(options.early);
  const sent: { at: number; batch: LiveUpdate[] }[] = [];
  const batcher = new UpdateBatcher({
    send: (batch) => sent.push({ at: clock.now(), batch }),
    clock,
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
  });
  const ids = () => sent.map((s) => s.batch.map((u) => (u.type === 'exchange' ? u.summary.id : u.type)));
  return { clock, sent, batcher, ids };
}

describe('UpdateBatcher: the one coalescing stage of the live path', () => {
  it('coalesces changes to one exchange into its latest summary, summarised only when sent', () => {
    const { clock, sent, batcher } = rig();
    const record = sampleExchange('a', 1, 'pending');
    let summarised = 0;
    for (let i = 0; i < 500; i++) {
      record.state = i < 499 ? 'streaming' : 'complete';
      batcher.exchange('a', () => {
        summarised++;
        return summarise(record);
      });
    }
    batcher.exchange('b', () => summarise(sampleExchange('b', 2)));
    expect(sent).toEqual([]);
    clock.advance(0);
    expect(sent).toHaveLength(1);
    const [first, second] = sent[0]?.batch ?? [];
    expect(first?.type === 'exchange' && first.summary).toMatchObject({ id: 'a', state: 'complete' });
    expect(second?.type === 'exchange' && second.summary).toMatchObject({ id: 'b' });
    expect(summarised).toBe(1);
  });

  it('sends at most one batch per 16 ms under a continuous stream of changes, even when timers fire early', () => {
    const { clock, sent, batcher } = rig({ early: 5 });
    let i = 0;
    for (let ms = 0; ms < 400; ms++) {
      for (let k = 0; k < 20; k++, i++) {
        const record = sampleExchange(`x${i % 50}`, i);
        batcher.exchange(record.id, () => summarise(record));
      }
      clock.advance(1);
    }
    clock.advance(40);
    expect(batcher.pending).toBe(0);
    const gaps = sent.slice(1).map((s, k) => s.at - (sent[k]?.at as number));
    expect(sent.length).toBeGreaterThan(20);
    expect(sent.length).toBeLessThanOrEqual(Math.floor(400 / 16) + 2);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(16);
  });

  it('caps a batch and sends the rest in later frames, in first-changed order', () => {
    const { clock, batcher, ids } = rig({ maxBatch: 10 });
    for (let i = 0; i < 25; i++) {
      const record = sampleExchange(`x${i}`, i);
      batcher.exchange(record.id, () => summarise(record));
    }
    clock.advance(100);
    expect(ids().map((b) => b.length)).toEqual([10, 10, 5]);
    expect(ids().flat()).toEqual(Array.from({ length: 25 }, (_, i) => `x${i}`));
  });

  it('sends nothing of an exchange it was told to forget (its record went out)', () => {
    const { clock, batcher, ids } = rig();
    for (const id of ['a', 'b']) batcher.exchange(id, () => summarise(sampleExchange(id, 1)));
    batcher.forget('a');
    clock.advance(20);
    expect(ids()).toEqual([['b']]);
  });

  it('flush sends what waits at once, outside the schedule; close stops it', () => {
    const { clock, sent, batcher, ids } = rig();
    batcher.exchange('a', () => summarise(sampleExchange('a', 1)));
    clock.advance(0);
    batcher.exchange('b', () => summarise(sampleExchange('b', 2)));
    batcher.flush();
    expect(ids()).toEqual([['a'], ['b']]);
    batcher.exchange('c', () => summarise(sampleExchange('c', 3)));
    batcher.close();
    clock.advance(100);
    expect(sent).toHaveLength(2);
    expect(clock.timers).toBe(0);
  });
});
