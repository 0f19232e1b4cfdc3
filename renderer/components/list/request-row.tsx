import { memo } from 'react';
import { isLive } from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { type Column, mayOverflow, statusClass } from './columns.tsx';
import { LiveElapsed } from './ticker.tsx';

interface RowProps {
  summary: ExchangeSummary;
  index: number;
  selected: boolean;
  top: number;
  /** Column widths (px) by key: the same object until a column is resized. */
  widths: Readonly<Record<string, number>>;
  /** The columns shown, in order: the same array until the layout changes. */
  columns: readonly Column[];
  onSelect: (id: string) => void;
}

/** Room the status dot takes before the status text (styles.css). */
const STATUS_DOT = 10;

/**
 * One row of the list; re-renders only when its own summary, place, selection, the column widths
 * or the column layout change. A fixed-size box with strict containment (styles.css): laying it out never reaches the rest
 * of the list. Stripes come from the list's background, so a row's classes change only with its status
 * or selection.
 */
export const RequestRow = memo(function RequestRow({
  summary,
  index,
  selected,
  top,
  widths,
  columns,
  onSelect,
}: RowProps) {
  const live = isLive(summary);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a virtualized row is positioned, so not a <tr>
    <div
      role="row"
      tabIndex={-1}
      id={`row-${summary.id}`}
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-id={summary.id}
      className={`row row-${statusClass(summary)}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={() => onSelect(summary.id)}
    >
      {columns.map((column) => {
        const text = column.text(summary);
        const prefix = column.prefix?.(summary) ?? null;
        const extra = column.key === 'status' && live ? STATUS_DOT : 0;
        const clip = prefix !== null || mayOverflow(column, text, widths[column.key] ?? column.width, extra);
        const tone = column.cellClass?.(summary) ?? '';
        return (
          // biome-ignore lint/a11y/useSemanticElements: part of the virtualized ARIA grid
          <div
            role="gridcell"
            tabIndex={-1}
            key={column.key}
            className={`cell cell-${column.key}${column.numeric ? ' num' : ''}${clip ? ' clip' : ''}${tone ? ` ${tone}` : ''}`}
          >
            {prefix}
            {column.key === 'duration' && live ? <LiveElapsed summary={summary} /> : text}
          </div>
        );
      })}
    </div>
  );
});
