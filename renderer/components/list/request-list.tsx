import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../../api/api-context.tsx';
import { moveSelection, select, setFollowNewest, setSort } from '../../store/actions.ts';
import { useInspector } from '../../store/inspector-store.ts';
import type { SortKey } from '../../store/sort.ts';
import { COLUMNS, type Column } from './columns.tsx';
import { RequestRow } from './request-row.tsx';

const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 24;
const MIN_WIDTH = 40;
const WIDTHS_KEY = 'tokentap.columnWidths';

function loadWidths(): Record<string, number> {
  const defaults = Object.fromEntries(COLUMNS.map((c) => [c.key, c.width]));
  try {
    const saved = JSON.parse(localStorage.getItem(WIDTHS_KEY) ?? '{}') as Record<string, unknown>;
    for (const c of COLUMNS) {
      const w = saved[c.key];
      if (typeof w === 'number' && w >= MIN_WIDTH) defaults[c.key] = w;
    }
  } catch {
    // No storage (or junk in it): the defaults do.
  }
  return defaults;
}

/** The virtualized request list: sortable, resizable columns, arrow-key selection, follow-newest. */
export function RequestList() {
  const api = useApi();
  const { ids, rev, selectedId, followNewest, sort, listLoading, total } = useInspector(
    useShallow((s) => ({
      ids: s.ids,
      rev: s.rev,
      selectedId: s.selectedId,
      followNewest: s.followNewest,
      sort: s.sort,
      listLoading: s.listLoading,
      total: s.order.length,
    })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const [widths, setWidths] = useState(loadWidths);

  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    scrollMargin: HEADER_HEIGHT,
    initialRect: { width: 800, height: 400 },
  });

  const onSelect = useCallback((id: string) => void select(api, id), [api]);

  // Follow the newest row as rows arrive. Straight to the bottom in one write: the virtualizer's
  // scrollToIndex re-measures over several frames, which at one call per frame piles up layouts.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (followNewest && el && ids.length > 0) el.scrollTop = el.scrollHeight;
  }, [followNewest, ids.length]);

  // Keep the selected row in view when the keyboard moves it.
  const selectedIndex = useMemo(
    () => (selectedId === null ? -1 : ids.indexOf(selectedId)),
    [ids, selectedId],
  );
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number | 'first' | 'last'> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: 'first',
      End: 'last',
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    moveSelection(api, move);
  };

  const gridColumns = COLUMNS.map((c) => `${widths[c.key] ?? c.width}px`).join(' ');
  const totalWidth = COLUMNS.reduce((sum, c) => sum + (widths[c.key] ?? c.width), 0);
  const byId = useInspector.getState().byId;
  const items = virtualizer.getVirtualItems();

  const resize = (key: SortKey, width: number) => {
    setWidths((current) => {
      const next = { ...current, [key]: Math.max(MIN_WIDTH, Math.round(width)) };
      try {
        localStorage.setItem(WIDTHS_KEY, JSON.stringify(next));
      } catch {
        // Not persisted; still applied.
      }
      return next;
    });
  };

  return (
    <div className="request-list">
      {/* biome-ignore lint/a11y/useSemanticElements: a virtualized grid of positioned rows cannot be a <table> */}
      <div
        className="grid-scroll"
        ref={scrollRef}
        role="grid"
        aria-label="Requests"
        aria-rowcount={ids.length + 1}
        aria-colcount={COLUMNS.length}
        aria-activedescendant={selectedId !== null && selectedIndex >= 0 ? `row-${selectedId}` : undefined}
        aria-busy={listLoading}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onWheel={(event) => {
          if (event.deltaY < 0 && followNewest) setFollowNewest(false);
        }}
        style={{ ['--grid-cols' as string]: gridColumns }}
        data-rev={rev}
      >
        {/* biome-ignore lint/a11y/useSemanticElements: part of the virtualized ARIA grid */}
        <div
          className="grid-header"
          role="row"
          tabIndex={-1}
          aria-rowindex={1}
          style={{ width: totalWidth, height: HEADER_HEIGHT }}
        >
          {COLUMNS.map((column) => (
            <HeaderCell
              key={column.key}
              column={column}
              width={widths[column.key] ?? column.width}
              sortDir={sort.key === column.key ? sort.dir : null}
              onResize={resize}
            />
          ))}
        </div>
        {/* biome-ignore lint/a11y/useSemanticElements: part of the virtualized ARIA grid */}
        <div
          className="grid-body"
          role="rowgroup"
          style={{ height: virtualizer.getTotalSize(), width: totalWidth }}
        >
          {items.map((item) => {
            const id = ids[item.index];
            const summary = id === undefined ? undefined : byId.get(id);
            if (summary === undefined) return null;
            return (
              <RequestRow
                // Slots, not ids: consecutive indexes modulo the window size are always the same keys,
                // so a row scrolled in reuses the DOM of the one scrolled out (text updates instead of
                // creating a dozen elements), and a row that stays in view keeps its slot.
                key={item.index % items.length}
                summary={summary}
                index={item.index}
                selected={summary.id === selectedId}
                top={item.start - HEADER_HEIGHT}
                height={ROW_HEIGHT}
                onSelect={onSelect}
              />
            );
          })}
        </div>
        {ids.length === 0 && (
          <div className="list-empty" role="status">
            {listLoading
              ? 'Loading…'
              : total > 0
                ? 'No requests match the filter.'
                : 'No requests yet. Point your SDK at the base URL above and make a call.'}
          </div>
        )}
      </div>
    </div>
  );
}

interface HeaderCellProps {
  column: Column;
  width: number;
  sortDir: 'asc' | 'desc' | null;
  onResize: (key: SortKey, width: number) => void;
}

function HeaderCell({ column, width, sortDir, onResize }: HeaderCellProps) {
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: width };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    onResize(column.key, drag.current.startWidth + event.clientX - drag.current.startX);
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: part of the virtualized ARIA grid
    <div
      role="columnheader"
      tabIndex={-1}
      className={`header-cell ${column.numeric ? 'num' : ''}`}
      aria-sort={sortDir === null ? 'none' : sortDir === 'asc' ? 'ascending' : 'descending'}
      title={column.title}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => setSort(column.key)}
        aria-label={`${column.title}: sort ${sortDir === 'asc' ? 'descending' : 'ascending'}`}
      >
        {column.label}
        {sortDir !== null && <span aria-hidden="true">{sortDir === 'asc' ? ' ▲' : ' ▼'}</span>}
      </button>
      {/* biome-ignore lint/a11y/useSemanticElements: a focusable splitter has no native element */}
      <div
        className="resize-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize ${column.title} column`}
        aria-valuenow={width}
        aria-valuemin={MIN_WIDTH}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={(event) => {
          if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
            event.preventDefault();
            event.stopPropagation();
            onResize(column.key, width + (event.key === 'ArrowRight' ? 10 : -10));
          }
        }}
      />
    </div>
  );
}
