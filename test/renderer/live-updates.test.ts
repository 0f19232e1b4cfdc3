import { beforeEach, describe, expect, it } from 'vitest';
import { applyUpdates as applyTo, subscribeLive } from '../../renderer/store/actions/live-updates.ts';
import type { FrameScheduler } from '../../renderer/store/frame-scheduler.ts';
import { createInspectorStore, type InspectorStore } from '../../renderer/store/inspector-store.ts';
import type { LiveUpdate } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { MemoryApi } from './support/memory-api.ts';
import { buildExchange, sampleRecords, summaryOf } from './support/records.ts';

/** A frame clock the test turns by hand. */
function manualFrames(): FrameScheduler & { frame(): void; pending: number } {
  let callbacks: (() => void)[] = [];
  return {
    request(callback) {
      callbacks.push(callback);
      return () => {
        callbacks = callbacks.filter((c) => c !== callback);
      };
    },
    frame() {
      const run = callbacks;
      callbacks = [];
      for (const c of run) c();
    },
    get pending() {
      return callbacks.length;
    },
  };
}

describe('live updates', () => {
  let store: InspectorStore;
  beforeEach(() => {
    store = createInspectorStore(new MemoryApi());
  });
  const applyUpdates = (batch: readonly LiveUpdate[]) =>
    applyTo({ get: store.getState, set: (patch) => store.setState(patch) }, batch);
  const setFilter = (text: string) => store.actions.setFilter(text);
  const setSort = (key: Parameters<InspectorStore['actions']['setSort']>[0]) => store.actions.setSort(key);

  it('queues batches and applies them with one setState per animation frame', () => {
    const api = new MemoryApi();
    const frames = manualFrames();
    let commits = 0;
    const unsubscribeStore = store.subscribe(() => commits++);
    const stop = subscribeLive(api, applyUpdates, frames);
    const { snapshots } = buildExchange({
      id: 'live',
      seq: 1,
      fixture: 'openai-chat-stream-usage.sse',
      body: { model: 'gpt-4o', stream: true, messages: [] },
    });
    expect(snapshots.length).toBeGreaterThan(10);
    for (const summary of snapshots) api.emit([{ type: 'exchange', summary }]);
    expect(commits).toBe(0);
    expect(frames.pending).toBe(1);
    frames.frame();
    expect(commits).toBe(1);
    const state = store.getState();
    expect(state.ids).toEqual(['live']);
    expect(state.byId.get('live')).toEqual(snapshots.at(-1));
    stop();
    unsubscribeStore();
    expect(api.listenerCount).toBe(0);
  });

  it('keeps rows in arrival order, upserts by id and updates the filtered view incrementally', () => {
    const rows = sampleRecords().map(summaryOf);
    setFilter('is:streaming');
    applyUpdates(rows.slice(3).map((summary) => ({ type: 'exchange' as const, summary })));
    applyUpdates(rows.slice(0, 3).map((summary) => ({ type: 'exchange' as const, summary })));
    const state = store.getState();
    expect(state.order).toEqual(rows.map((r) => r.id));
    expect(state.ids).toEqual(rows.filter((r) => r.stream).map((r) => r.id));
    // A row that stops matching leaves the view; one that starts matching joins it in place.
    const changed: ExchangeSummary = { ...(rows[1] as ExchangeSummary), stream: false };
    applyUpdates([{ type: 'exchange', summary: changed }]);
    expect(store.getState().ids).not.toContain(changed.id);
    applyUpdates([{ type: 'exchange', summary: { ...changed, stream: true } }]);
    expect(store.getState().ids).toEqual(rows.filter((r) => r.stream).map((r) => r.id));
  });

  it('re-sorts changed rows under a column sort', () => {
    const rows = sampleRecords().map(summaryOf);
    applyUpdates(rows.map((summary) => ({ type: 'exchange' as const, summary })));
    setSort('duration');
    const durations = () =>
      store.getState().ids.map((id) => store.getState().byId.get(id)?.timings.totalMs ?? null);
    const sorted = (list: (number | null)[]) =>
      [...list].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
    expect(durations()).toEqual(sorted(durations()));
    const slow = {
      ...(rows[0] as ExchangeSummary),
      timings: { ...(rows[0] as ExchangeSummary).timings, totalMs: 99_999 },
    };
    applyUpdates([{ type: 'exchange', summary: slow }]);
    expect(store.getState().ids.at(-1)).toBe(slow.id);
    expect(durations()).toEqual(sorted(durations()));
  });

  it('ignores live rows while a past session is open, and asks for a reload when the session changes', () => {
    const rows = sampleRecords().map(summaryOf);
    store.setState({ viewSession: 'old' });
    applyUpdates([{ type: 'exchange', summary: rows[0] as ExchangeSummary }]);
    expect(store.getState().order).toEqual([]);
    store.setState({ viewSession: null });
    const effects = applyUpdates([
      {
        type: 'session',
        session: { id: 's2', name: 'n', createdAt: '', exchanges: 0, bytes: 0, current: true },
      },
    ]);
    expect(effects.reloadSession).toBe(true);
  });
});
