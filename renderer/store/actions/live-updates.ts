import type { InspectorApi, LiveUpdate } from '../../../shared/contract/inspector-contract.ts';
import { isEnded, isLive } from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import type { FrameScheduler } from '../frame-scheduler.ts';
import type { InspectorState } from '../inspector-state.ts';
import type { StoreKit } from '../store-kit.ts';
import { addFacets, updateView } from '../view.ts';

/** What applying a batch asks the caller to do next (fetches are not the batch's business). */
export interface BatchEffects {
  /** The live session changed: reload the list. */
  reloadSession: boolean;
  /** Some exchange ended: the session list's counts are stale. */
  exchangesEnded: boolean;
  /** The selected exchange ended: its detail is stale. */
  selectedEnded: boolean;
}

/**
 * Applies one batch of live updates to the store with a single `set`. The only place live updates
 * touch the store. Like `byId`, the `order` and `ids` arrays are changed in place (appends and
 * moves; copying 100,000 ids twice per frame cost more than the rest of the batch, and made
 * ~100 MB/s of garbage at 2,000 events/s); `rev` changes with every batch, and `useRows` follows it.
 * Filtering, sorting and loading replace them with new arrays.
 */
export function applyUpdates(
  { get, set }: Pick<StoreKit, 'get' | 'set'>,
  batch: readonly LiveUpdate[],
): BatchEffects {
  const state = get();
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
    // Appended in place (nothing renders it): a long load under a flood of batches must not copy it per frame.
    for (const summary of latest.values()) state.heldUpdates.push(summary);
    latest.clear();
  }
  if (latest.size === 0) {
    if (status !== state.status) set({ status });
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
  set({
    order,
    rev: state.rev + 1,
    facets: addFacets(state.facets, changed),
    ids: updateView(state.ids, changed, byId, state.matcher, state.sort, before, true),
    status,
  } satisfies Partial<InspectorState>);
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

/**
 * Subscribes to the api's live updates, queues them, and hands the queue on at most once per
 * frame of `frames`. Returns the unsubscribe function.
 */
export function subscribeLive(
  api: InspectorApi,
  onBatch: (batch: LiveUpdate[]) => void,
  frames: FrameScheduler,
): () => void {
  let queue: LiveUpdate[] = [];
  let cancelFrame: (() => void) | null = null;
  const flush = () => {
    cancelFrame = null;
    const batch = queue;
    queue = [];
    onBatch(batch);
  };
  const unsubscribe = api.onUpdates((batch) => {
    for (const update of batch) queue.push(update);
    cancelFrame ??= frames.request(flush);
  });
  return () => {
    unsubscribe();
    cancelFrame?.();
    cancelFrame = null;
    queue = [];
  };
}

/** Following the live session: the first loads, then live batches and the desktop menu's commands. */
export function liveActions(kit: StoreKit) {
  const { api, get, actions } = kit;

  function handleEffects(effects: BatchEffects): void {
    if (effects.reloadSession) {
      void actions.refreshSessions();
      if (get().viewSession === null) void actions.loadSession(null);
    }
    if (effects.exchangesEnded) actions.refreshSessionsSoon();
    if (effects.selectedEnded) {
      const id = get().selectedId;
      if (id !== null) void actions.refreshDetail(id);
    }
  }

  /** Applies a batch of live updates now and does what it calls for (`start` does this once per frame). */
  function receive(batch: readonly LiveUpdate[]): BatchEffects {
    const effects = applyUpdates(kit, batch);
    handleEffects(effects);
    return effects;
  }

  /** Loads everything and follows live updates; returns the function that stops following. */
  function start(): () => void {
    const stopLive = subscribeLive(api, receive, kit.frames);
    const stopCommands = api.onCommand?.((command) => void actions.handleCommand(command));
    void actions.refreshStatus();
    void actions.refreshSessions();
    void actions.loadSession(null);
    return () => {
      stopLive();
      stopCommands?.();
      kit.clearTimers();
    };
  }

  return { receive, start };
}
