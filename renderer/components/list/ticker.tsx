import { useSyncExternalStore } from 'react';
import type { ExchangeSummary } from '../../../shared/exchange-record.ts';
import { elapsedMs, formatMs } from '../../format.ts';

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

const read = () => now;

/** The wall clock, ticking four times a second while anything reads it. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, read);
}

/** The elapsed time of a live exchange: the only part of its row that re-renders as the clock ticks. */
export function LiveElapsed({ summary }: { summary: ExchangeSummary }) {
  return formatMs(elapsedMs(summary, useNow()));
}
