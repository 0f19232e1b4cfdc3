import { useSyncExternalStore } from 'react';

const TICK_MS = 250;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    // One timer for all live rows, so their elapsed times update in a single render, not one each.
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const idle = () => () => undefined;
const read = () => now;

/** The wall clock, ticking four times a second while `live`; rows that are done never re-render for it. */
export function useNow(live: boolean): number {
  return useSyncExternalStore(live ? subscribe : idle, read);
}
