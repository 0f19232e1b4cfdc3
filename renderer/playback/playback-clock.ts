import { createContext, useContext } from 'react';

/**
 * What playback keeps time with: a monotonic clock in ms and a callback at the next frame. The
 * browser's by default; tests provide one they turn by hand, so a playback's steps do not depend
 * on how many frames a loaded machine manages to paint.
 */
export interface PlaybackClock {
  now(): number;
  /** Calls back once, at the next frame; returns the function that cancels it. */
  nextFrame(callback: () => void): () => void;
}

/** `performance.now` and `requestAnimationFrame`. */
export const animationFrameClock: PlaybackClock = {
  now: () => performance.now(),
  nextFrame(callback) {
    const frame = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(frame);
  },
};

/** The clock playback runs on below it (the animation-frame clock when none is provided). */
export const PlaybackClockContext = createContext<PlaybackClock>(animationFrameClock);

/** The playback clock in effect. */
export function usePlaybackClock(): PlaybackClock {
  return useContext(PlaybackClockContext);
}
