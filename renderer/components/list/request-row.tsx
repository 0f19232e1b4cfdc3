import { memo } from 'react';
import type { ExchangeSummary } from '../../../shared/exchange-record.ts';
import { isLive } from '../../format.ts';
import { COLUMNS, statusClass } from './columns.tsx';
import { useNow } from './ticker.ts';

interface RowProps {
  summary: ExchangeSummary;
  index: number;
  selected: boolean;
  top: number;
  height: number;
  onSelect: (id: string) => void;
}

/** One row of the list; re-renders only when its own summary, place or selection changes. */
export const RequestRow = memo(function RequestRow({
  summary,
  index,
  selected,
  top,
  height,
  onSelect,
}: RowProps) {
  const live = isLive(summary);
  const now = useNow(live);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a virtualized row is positioned, so not a <tr>
    <div
      role="row"
      tabIndex={-1}
      id={`row-${summary.id}`}
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-id={summary.id}
      className={`row ${selected ? 'selected' : ''} row-${statusClass(summary)} ${index % 2 ? 'odd' : ''}`}
      style={{ transform: `translateY(${top}px)`, height }}
      onMouseDown={() => onSelect(summary.id)}
    >
      {COLUMNS.map((column) => (
        // biome-ignore lint/a11y/useSemanticElements: part of the virtualized ARIA grid
        <div
          role="gridcell"
          tabIndex={-1}
          key={column.key}
          className={`cell cell-${column.key} ${column.numeric ? 'num' : ''}`}
        >
          {column.render(summary, now)}
        </div>
      ))}
    </div>
  );
});
