import { isEnded, isLive } from '../../shared/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../../shared/exchange-record.ts';
import type { InspectorApi, LiveUpdate } from '../../shared/inspector-contract.ts';
import { useInspector } from './inspector-store.ts';
import { addFacets, updateView } from './view.ts';

/** What applying a batch asks the caller to do next (fetches are not the store's business). */
export interface BatchEffects {
  /** The live session changed: reload the list. */
  reloadSession: boolean;
  /** Some exchange ended: usage totals and sessions are stale. */
  exchangesEnded: boolean;
  /** The selected exchange ended: its detail is stale. */
  selectedEnded: boolean;
}

// Summaries that arrived while the list was loading, re-applied on top of the loaded list.
let heldWhileLoading: ExchangeSummary[] = [];

/** Takes the summaries held back during a load. */
export function takeHeldUpdates(): ExchangeSummary[] {
  const held = heldWhileLoading;
  heldWhileLoading = [];
  return held;
}

/**
 * Applies one batch of live updates to the store with a single `setState`. The only place live
 * updates touch the store. Like `byId`, the `order` and `ids` arrays are changed in place (appends
 * and moves; copying 100,000 ids twice per frame cost more than the rest of the batch, and made
 * ~100 MB/s of garbage at 2,000 events/s); `rev` changes with every batch so subscribers notice.
 * Filtering, sorting and loading replace them with new arrays.
 */
export function applyUpdates(batch: readonly LiveUpdate[]): BatchEffects {
  const state = useInspector.getState();
  const effects: BatchEffects = { reloadSession: false, exchangesEnded: false, selectedEnded: false };
  const latest = new Map<string, ExchangeSummary>();
  let status = state.status;
  for (const update of batch) {
    switch (update.type) {
      case 'exchange':
        latest.set(update.summary.id, update.summary);
        break;
      case 'status':
        status = update.status;
        break;
      case 'session':
        effects.reloadSession = true;
        latest.clear();
        break;
    }
  }
  // A past session is read-only: live capture goes on in the current one, out of view.
  if (state.viewSession !== null) latest.clear();
  if (state.listLoading || effects.reloadSession) {
    heldWhileLoading.push(...latest.values());
    latest.clear();
  }
  if (latest.size === 0) {
    if (status !== state.status) useInspector.setState({ status });
    return effects;
  }
  const { byId, order } = state;
  const isNew = new Set<string>();
  const before = new Map<string, ExchangeSummary>();
  for (const summary of latest.values()) {
    const previous = byId.get(summary.id);
    if (previous !== undefined) before.set(summary.id, previous);
    if (previous === undefined) {
      isNew.add(summary.id);
      order.push(summary.id);
    }
    if (isEnded(summary) && (previous === undefined || isLive(previous))) {
      effects.exchangesEnded = true;
      if (summary.id === state.selectedId) effects.selectedEnded = true;
    }
    byId.set(summary.id, summary);
  }
  const changed = [...latest.values()];
  // Batches may carry rows out of order; arrival order is by sequence number.
  if (isNew.size > 0 && !inSeqOrder(order, order.length - isNew.size, byId)) {
    order.sort((a, b) => (byId.get(a)?.seq ?? 0) - (byId.get(b)?.seq ?? 0));
  }
  useInspector.setState({
    order,
    rev: state.rev + 1,
    facets: addFacets(state.facets, changed),
    ids: updateView(state.ids, changed, byId, state.matcher, state.sort, before, true),
    status,
  });
  return effects;
}

function inSeqOrder(
  order: readonly string[],
  from: number,
  byId: ReadonlyMap<string, ExchangeSummary>,
): boolean {
  let previous = byId.get(order[from - 1] ?? '')?.seq ?? Number.NEGATIVE_INFINITY;
  for (let i = Math.max(from, 0); i < order.length; i++) {
    const seq = byId.get(order[i] ?? '')?.seq ?? 0;
    if (seq < previous) return false;
    previous = seq;
  }
  return true;
}

export interface FrameScheduler {
  request(callback: () => void): () => void;
}

/** requestAnimationFrame, with a timer as well so a hidden window (no frames) still drains its queue. */
export const animationFrameScheduler: FrameScheduler = {
  request(callback) {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      callback();
    };
    const frame = requestAnimationFrame(run);
    const timer = setTimeout(run, 250);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  },
};

/**
 * Subscribes to the api's live updates, queues them, and applies the queue at most once per
 * animation frame. Returns the unsubscribe function.
 */
export function subscribeLive(
  api: InspectorApi,
  onEffects: (effects: BatchEffects) => void,
  scheduler: FrameScheduler = animationFrameScheduler,
): () => void {
  let queue: LiveUpdate[] = [];
  let cancelFrame: (() => void) | null = null;
  const flush = () => {
    cancelFrame = null;
    const batch = queue;
    queue = [];
    onEffects(applyUpdates(batch));
  };
  const unsubscribe = api.onUpdates((batch) => {
    for (const update of batch) queue.push(update);
    cancelFrame ??= scheduler.request(flush);
  });
  return () => {
    unsubscribe();
    cancelFrame?.();
    cancelFrame = null;
    queue = [];
  };
}
