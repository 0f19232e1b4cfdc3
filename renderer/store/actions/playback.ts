import type { PlaybackSlice } from '../inspector-state.ts';
import type { StoreKit } from '../store-kit.ts';

/** Token-by-token playback of a stream in the detail pane. */
export function playbackActions({ get, set }: StoreKit) {
  function setPlayback(patch: Partial<PlaybackSlice['playback']>): void {
    set({ playback: { ...get().playback, ...patch } });
  }

  return { setPlayback };
}
