import type { ReactNode } from 'react';
import type { ExchangeSummary } from '../../../shared/exchange-record.ts';
import {
  apiLabel,
  elapsedMs,
  formatClock,
  formatCost,
  formatInt,
  formatMs,
  isLive,
  statusLabel,
} from '../../format.ts';
import type { SortKey } from '../../store/sort.ts';

export interface Column {
  key: SortKey;
  label: string;
  /** Full name for assistive technology and the tooltip. */
  title: string;
  width: number;
  numeric?: boolean;
  render(summary: ExchangeSummary, now: number): ReactNode;
}

function tokens(
  summary: ExchangeSummary,
  pick: (u: NonNullable<ExchangeSummary['usage']>) => number,
): ReactNode {
  if (summary.usage !== null) return formatInt(pick(summary.usage));
  if (isLive(summary)) return <span className="muted">…</span>;
  return <span className="unknown">unknown</span>;
}

export const COLUMNS: readonly Column[] = [
  { key: 'time', label: 'Time', title: 'Start time', width: 100, render: (s) => formatClock(s.startedAt) },
  { key: 'method', label: 'Method', title: 'HTTP method', width: 58, render: (s) => s.method },
  { key: 'api', label: 'API', title: 'API kind', width: 90, render: (s) => apiLabel(s.api) },
  { key: 'path', label: 'Path', title: 'Path', width: 220, render: (s) => s.path },
  {
    key: 'model',
    label: 'Model',
    title: 'Model',
    width: 150,
    render: (s) => s.model ?? <span className="muted">—</span>,
  },
  {
    key: 'tenant',
    label: 'Tenant',
    title: 'Tenant (API key fingerprint)',
    width: 130,
    render: (s) => s.tenant ?? <span className="muted">—</span>,
  },
  {
    key: 'status',
    label: 'Status',
    title: 'Status or state',
    width: 112,
    render: (s) => <span className={`status status-${statusClass(s)}`}>{statusLabel(s)}</span>,
  },
  {
    key: 'input',
    label: 'In',
    title: 'Input tokens',
    width: 66,
    numeric: true,
    render: (s) => tokens(s, (u) => u.inputTokens),
  },
  {
    key: 'output',
    label: 'Out',
    title: 'Output tokens',
    width: 66,
    numeric: true,
    render: (s) => tokens(s, (u) => u.outputTokens),
  },
  {
    key: 'cost',
    label: 'Cost',
    title: 'Cost in US dollars',
    width: 84,
    numeric: true,
    render: (s) =>
      s.costUsd !== null ? formatCost(s.costUsd) : isLive(s) ? '' : <span className="unknown">unknown</span>,
  },
  {
    key: 'ttft',
    label: 'TTFT',
    title: 'Time to first token',
    width: 70,
    numeric: true,
    render: (s) => formatMs(s.timings.firstTokenMs),
  },
  {
    key: 'duration',
    label: 'Duration',
    title: 'Total duration (elapsed while running)',
    width: 78,
    numeric: true,
    render: (s, now) =>
      isLive(s) ? (
        <span className="live-elapsed">{formatMs(elapsedMs(s, now))}</span>
      ) : (
        formatMs(s.timings.totalMs)
      ),
  },
];

/** A CSS class for the status cell's colour. */
export function statusClass(s: ExchangeSummary): string {
  if (s.state === 'pending' || s.state === 'streaming') return 'live';
  if (s.state === 'aborted') return 'aborted';
  if (s.state === 'error' || (s.status !== null && s.status >= 400)) return 'error';
  return 'ok';
}
