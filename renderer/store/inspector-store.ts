import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RendererApi } from '../api/api-context.tsx';
import { fileActions } from './actions/files.ts';
import { listActions } from './actions/list.ts';
import { liveActions } from './actions/live-updates.ts';
import { noticeActions } from './actions/notices.ts';
import { paneActions } from './actions/panes.ts';
import { playbackActions } from './actions/playback.ts';
import { proxyActions } from './actions/proxy.ts';
import { replayModeActions } from './actions/replay-mode.ts';
import { resendActions } from './actions/resend.ts';
import { selectionActions } from './actions/selection.ts';
import { sessionActions } from './actions/sessions.ts';
import { animationFrameScheduler, type FrameScheduler } from './frame-scheduler.ts';
import { type InspectorState, initialState } from './inspector-state.ts';
import type { StoreKit } from './store-kit.ts';

/** Every action of the store, one group per feature (actions/). */
export type InspectorActions = ReturnType<typeof noticeActions> &
  ReturnType<typeof listActions> &
  ReturnType<typeof liveActions> &
  ReturnType<typeof selectionActions> &
  ReturnType<typeof sessionActions> &
  ReturnType<typeof proxyActions> &
  ReturnType<typeof replayModeActions> &
  ReturnType<typeof resendActions> &
  ReturnType<typeof fileActions> &
  ReturnType<typeof playbackActions> &
  ReturnType<typeof paneActions>;

/** One inspector's store: a vanilla zustand store, with the transport it was built with and its actions. */
export interface InspectorStore extends StoreApi<InspectorState> {
  readonly api: RendererApi;
  readonly actions: InspectorActions;
  /** Back to the initial state, with no timer pending (tests; nothing outlives it). */
  reset(): void;
}

export interface InspectorStoreOptions {
  /** When live batches are applied; once per animation frame by default. */
  frames?: FrameScheduler;
}

/**
 * Builds a store around its transport (zustand's "initialize state with props": a vanilla store
 * handed down by React context, inspector-context.tsx). All its state is inside it: two stores never
 * share anything, and `reset` leaves a clean one.
 */
export function createInspectorStore(api: RendererApi, options: InspectorStoreOptions = {}): InspectorStore {
  const store = createStore<InspectorState>()(() => initialState());
  const timers = new Map<string | symbol, ReturnType<typeof setTimeout>>();
  const kit: StoreKit = {
    api,
    get: store.getState,
    set: (patch) => store.setState(patch),
    actions: {} as InspectorActions,
    frames: options.frames ?? animationFrameScheduler,
    later(ms, run, key) {
      const slot = key ?? Symbol(ms);
      if (timers.has(slot)) return;
      timers.set(
        slot,
        setTimeout(() => {
          timers.delete(slot);
          run();
        }, ms),
      );
    },
    clearTimers() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
  Object.assign(
    kit.actions,
    noticeActions(kit),
    listActions(kit),
    liveActions(kit),
    selectionActions(kit),
    sessionActions(kit),
    proxyActions(kit),
    replayModeActions(kit),
    resendActions(kit),
    fileActions(kit),
    playbackActions(kit),
    paneActions(kit),
  );
  return Object.assign(store, {
    api,
    actions: kit.actions,
    reset() {
      kit.clearTimers();
      store.setState(initialState(), true);
    },
  });
}
