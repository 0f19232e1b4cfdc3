import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { apiLabel, statusLabel } from '../format.ts';

export type SortKey =
  | 'time'
  | 'method'
  | 'api'
  | 'provider'
  | 'path'
  | 'model'
  | 'tenant'
  | 'status'
  | 'input'
  | 'output'
  | 'cost'
  | 'ttft'
  | 'duration';

export type SortDir = 'asc' | 'desc';

export interface SortSpec {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_SORT: SortSpec = { key: 'time', dir: 'asc' };

type Read = (s: ExchangeSummary) => string | number | null;

const READERS: Record<SortKey, Read> = {
  time: (s) => s.seq,
  method: (s) => s.method,
  api: (s) => apiLabel(s.api),
  provider: (s) => s.provider ?? null,
  path: (s) => s.path,
  model: (s) => s.model,
  tenant: (s) => s.tenant,
  status: (s) => (s.status === null ? statusLabel(s) : s.status),
  input: (s) => s.usage?.inputTokens ?? null,
  output: (s) => s.usage?.outputTokens ?? null,
  cost: (s) => s.costUsd,
  ttft: (s) => s.timings.firstTokenMs,
  duration: (s) => s.timings.totalMs,
};

/** A total order for the list: the column's value (unknowns last either way), then arrival. */
export function comparatorFor(sort: SortSpec): (a: ExchangeSummary, b: ExchangeSummary) => number {
  const read = READERS[sort.key];
  const sign = sort.dir === 'asc' ? 1 : -1;
  if (sort.key === 'time') return (a, b) => sign * (a.seq - b.seq);
  return (a, b) => {
    const va = read(a);
    const vb = read(b);
    if (va === null || vb === null) {
      if (va === vb) return a.seq - b.seq;
      return va === null ? 1 : -1;
    }
    let c: number;
    if (typeof va === 'number' && typeof vb === 'number') c = va - vb;
    else c = String(va).localeCompare(String(vb));
    return c === 0 ? a.seq - b.seq : sign * c;
  };
}
