import type { ReactNode } from 'react';
import { REPLAY_MISS } from '../../../shared/contract/tokentap-headers.ts';
import { isAborted, isFailed, isLive } from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { apiLabel, formatClock, formatCost, formatInt, formatMs, statusLabel } from '../../format.ts';
import type { SortKey } from '../../store/sort.ts';

export interface Column {
  key: SortKey;
  label: string;
  /** Full name for assistive technology and the tooltip. */
  title: string;
  width: number;
  numeric?: boolean;
  /** Monospace text (a little narrower per character than the UI font). */
  mono?: boolean;
  /**
   * The cell's text. Cells hold text only (classes carry the styling): a row is a dozen elements and
   * their text nodes, and updating one replaces text, never elements.
   */
  text(summary: ExchangeSummary): string;
  /** Classes on the cell (muted, unknown, status colours). */
  cellClass?(summary: ExchangeSummary): string;
  /** Content before the text (badges); null for none. */
  prefix?(summary: ExchangeSummary): ReactNode;
}

/** Small badges before the path: answered in replay mode (or missed), or a resend of another exchange. */
function originBadges(s: ExchangeSummary): ReactNode {
  if (s.replayOf === undefined && s.resentFrom === undefined) return null;
  return (
    <>
      {s.replayOf !== undefined &&
        (s.replayOf === REPLAY_MISS ? (
          <span className="row-badge row-badge-miss" title="Replay mode: no recording matched (answered 404)">
            miss
          </span>
        ) : (
          <span className="row-badge" title={`Replay of ${s.replayOf}`}>
            replay
          </span>
        ))}
      {s.resentFrom !== undefined && (
        <span className="row-badge" title={`Resent from ${s.resentFrom}`}>
          resend
        </span>
      )}{' '}
    </>
  );
}

function tokens(
  summary: ExchangeSummary,
  pick: (u: NonNullable<ExchangeSummary['usage']>) => number,
): string {
  if (summary.usage !== null) return formatInt(pick(summary.usage));
  return isLive(summary) ? '…' : 'unknown';
}

/** Muted while the value is still to come, marked when it never came. */
function tokensClass(summary: ExchangeSummary): string {
  if (summary.usage !== null) return '';
  return isLive(summary) ? 'muted' : 'unknown';
}

export const COLUMNS: readonly Column[] = [
  { key: 'time', label: 'Time', title: 'Start time', width: 100, text: (s) => formatClock(s.startedAt) },
  { key: 'method', label: 'Method', title: 'HTTP method', width: 58, text: (s) => s.method },
  { key: 'api', label: 'API', title: 'API kind', width: 90, text: (s) => apiLabel(s.api) },
  {
    key: 'path',
    label: 'Path',
    title: 'Path',
    width: 220,
    mono: true,
    text: (s) => s.path,
    prefix: originBadges,
  },
  {
    key: 'model',
    label: 'Model',
    title: 'Model',
    width: 150,
    mono: true,
    text: (s) => s.model ?? '—',
    cellClass: (s) => (s.model === null ? 'muted' : ''),
  },
  {
    key: 'tenant',
    label: 'Tenant',
    title: 'Tenant (API key fingerprint)',
    width: 130,
    mono: true,
    text: (s) => s.tenant ?? '—',
    cellClass: (s) => (s.tenant === null ? 'muted' : ''),
  },
  {
    key: 'status',
    label: 'Status',
    title: 'Status or state',
    width: 112,
    text: (s) => statusLabel(s),
    cellClass: (s) => `status status-${statusClass(s)}`,
  },
  {
    key: 'input',
    label: 'In',
    title: 'Input tokens',
    width: 66,
    numeric: true,
    text: (s) => tokens(s, (u) => u.inputTokens),
    cellClass: tokensClass,
  },
  {
    key: 'output',
    label: 'Out',
    title: 'Output tokens',
    width: 66,
    numeric: true,
    text: (s) => tokens(s, (u) => u.outputTokens),
    cellClass: tokensClass,
  },
  {
    key: 'cost',
    label: 'Cost',
    title: 'Cost in US dollars',
    width: 84,
    numeric: true,
    text: (s) => (s.costUsd !== null ? formatCost(s.costUsd) : isLive(s) ? '' : 'unknown'),
    cellClass: (s) => (s.costUsd === null && !isLive(s) ? 'unknown' : ''),
  },
  {
    key: 'ttft',
    label: 'TTFT',
    title: 'Time to first token',
    width: 70,
    numeric: true,
    text: (s) => formatMs(s.timings.firstTokenMs),
  },
  {
    key: 'duration',
    label: 'Duration',
    title: 'Total duration (elapsed while running)',
    width: 78,
    numeric: true,
    // Live rows show the elapsed time instead (LiveElapsed), the only part of a row the clock re-renders.
    text: (s) => formatMs(s.timings.totalMs),
    cellClass: (s) => (isLive(s) ? 'live-elapsed' : ''),
  },
  {
    key: 'provider',
    label: 'Provider',
    title: 'Provider: the route the request took (upstream: the default, UPSTREAM)',
    width: 84,
    text: (s) => s.provider ?? '—',
    cellClass: (s) => (s.provider === undefined ? 'muted' : ''),
  },
];

/** Horizontal padding of a cell (styles.css). */
const CELL_PADDING = 12;

/**
 * Whether a cell's text might not fit its column, by an upper bound on the width of its characters.
 * Only those cells clip (with an ellipsis): a clip costs the compositor work for every row on screen
 * in every frame, and most cells fit with room to spare.
 */
export function mayOverflow(column: Column, text: string, width: number, extra = 0): boolean {
  const perChar = column.mono ? 7.2 : 8.5;
  return text.length * perChar + extra > width - CELL_PADDING;
}

/** A CSS class for the status cell's colour. */
export function statusClass(s: ExchangeSummary): string {
  if (isLive(s)) return 'live';
  if (isAborted(s)) return 'aborted';
  return isFailed(s) ? 'error' : 'ok';
}
