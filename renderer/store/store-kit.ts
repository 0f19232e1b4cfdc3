import type { RendererApi } from '../api/api-context.tsx';
import type { FrameScheduler } from './frame-scheduler.ts';
import type { InspectorState } from './inspector-state.ts';
import type { InspectorActions } from './inspector-store.ts';

/** What each feature's actions are built with: the store's state, its transport, and each other. */
export interface StoreKit {
  /** The transport this store was built with (the preload bridge, the browser client, a test double). */
  api: RendererApi;
  get(): InspectorState;
  set(patch: Partial<InspectorState>): void;
  /** All of the store's actions; filled in once every feature is built, so one feature calls another's. */
  actions: InspectorActions;
  /** When live batches are applied (once per animation frame in the app). */
  frames: FrameScheduler;
  /**
   * Runs `run` after `ms`, on a timer the store clears when it stops or resets. With a `key`, a
   * call while that key's timer is pending does nothing (one run for a burst).
   */
  later(ms: number, run: () => void, key?: string): void;
  /** Clears every pending `later` timer. */
  clearTimers(): void;
}

/** An error's message, for a notice or a form. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
