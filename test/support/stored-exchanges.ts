/**
 * Waiting for exchanges to be stored. Listing a session shows the exchanges in flight too (from
 * the analysis side's memory, as pending or streaming), so "listed" is not "written": an exchange
 * is in the session file once it is listed as ended (`isEnded`), which the service only says once
 * its line is on disk.
 */
import { expect, vi } from 'vitest';
import { isEnded } from '../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';

type ListExchanges = (session: string | null) => Promise<ExchangeSummary[]>;

/**
 * Whatever lists a session's exchanges: the service's handlers (or the service), a contract
 * client (IPC or browser), or the headless harness's HTTP API (`/api/exchanges`).
 */
export type ExchangeLister =
  | { 'exchanges.list': ListExchanges }
  | { handlers: { 'exchanges.list': ListExchanges } }
  | { exchanges: { list: ListExchanges } }
  | { api(path: string, init?: RequestInit): Promise<Response> };

export interface WaitForStoredOptions {
  /** The session to list (default: the current one). */
  session?: string | null;
  timeout?: number;
  /** How often to list (default 20 ms; longer for sessions of thousands). */
  interval?: number;
}

function listOf(source: ExchangeLister): ListExchanges {
  if ('exchanges.list' in source) return source['exchanges.list'];
  if ('handlers' in source) return source.handlers['exchanges.list'];
  if ('exchanges' in source) return (session) => source.exchanges.list(session);
  return async (session) => {
    const query = session === null ? '' : `?session=${encodeURIComponent(session)}`;
    const response = await source.api(`/api/exchanges${query}`);
    expect(response.status, 'GET /api/exchanges').toBe(200);
    return (await response.json()) as ExchangeSummary[];
  };
}

/** Waits until exactly `count` exchanges of the session are stored (listed as ended); resolves with them, in list order. */
export async function waitForStored(
  source: ExchangeLister,
  count: number,
  { session = null, timeout = 10_000, interval = 20 }: WaitForStoredOptions = {},
): Promise<ExchangeSummary[]> {
  const list = listOf(source);
  return vi.waitFor(
    async () => {
      const stored = (await list(session)).filter(isEnded);
      expect(stored, `${count} exchange${count === 1 ? '' : 's'} stored (listed as ended)`).toHaveLength(
        count,
      );
      return stored;
    },
    { timeout, interval },
  );
}
