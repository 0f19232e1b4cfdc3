import type { PlaybackClock } from '../../../renderer/playback/playback-clock.ts';

/** A playback clock the test turns by hand: `advance(ms)` moves time on, then paints one frame. */
export function manualClock(): PlaybackClock & { advance(ms: number): void; readonly pending: number } {
  let now = 0;
  let callbacks: (() => void)[] = [];
  return {
    now: () => now,
    nextFrame(callback) {
      callbacks.push(callback);
      return () => {
        callbacks = callbacks.filter((c) => c !== callback);
      };
    },
    advance(ms) {
      now += ms;
      const run = callbacks;
      callbacks = [];
      for (const c of run) c();
    },
    get pending() {
      return callbacks.length;
    },
  };
}
