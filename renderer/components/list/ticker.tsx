import { createContext, type ReactNode, useContext, useState, useSyncExternalStore } from 'react';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { elapsedMs, formatMs } from '../../format.ts';

const TICK_MS = 250;

interface Ticker {
  subscribe(listener: () => void): () => void;
  read(): number;
}

/** One timer for all live rows, so their elapsed times update in a single render, not one each. */
function createTicker(): Ticker {
  const listeners = new Set<() => void>();
  let now = Date.now();
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (timer === null) {
        now = Date.now();
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
    },
    read: () => now,
  };
}

const TickerContext = createContext<Ticker | null>(null);

/** Gives the tree its wall clock (one per inspector, like its store). */
export function TickerProvider({ children }: { children: ReactNode }) {
  const [ticker] = useState(createTicker);
  return <TickerContext.Provider value={ticker}>{children}</TickerContext.Provider>;
}

/** The wall clock, ticking four times a second while anything reads it. */
export function useNow(): number {
  const ticker = useContext(TickerContext);
  if (ticker === null) throw new Error('useNow needs a <TickerProvider>');
  return useSyncExternalStore(ticker.subscribe, ticker.read);
}

/** The elapsed time of a live exchange: the only part of its row that re-renders as the clock ticks. */
export function LiveElapsed({ summary }: { summary: ExchangeSummary }) {
  return formatMs(elapsedMs(summary, useNow()));
}
