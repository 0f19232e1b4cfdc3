import {
  type CSSProperties,
  type KeyboardEvent,
  memo,
  type PointerEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import { useShallow } from 'zustand/react/shallow';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import type { SortKey, SortSpec } from '../../store/sort.ts';
import { useRows } from '../../store/use-rows.ts';
import { type ColumnLayout, visibleColumns } from './column-layout.ts';
import { COLUMNS, type Column } from './columns.tsx';
import { RequestRow } from './request-row.tsx';

const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 24;
/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 8;
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

/**
 * The rows on screen, from arithmetic alone (every row is ROW_HEIGHT tall): no per-row measurements,
 * nothing proportional to the row count. The window always holds `length` rows (fewer only when the
 * list is shorter), so row slots (index modulo length) stay stable as it moves.
 */
interface RowWindow {
  first: number;
  length: number;
}

/** Rows in the window for a viewport `height` px tall (the sticky header included). */
function windowLength(height: number): number {
  return Math.ceil(Math.max(0, height - HEADER_HEIGHT) / ROW_HEIGHT) + 1 + 2 * OVERSCAN;
}

/** The largest scrollTop: the last row's bottom at the viewport's bottom. */
function maxScrollTop(count: number, height: number): number {
  return Math.max(0, HEADER_HEIGHT + count * ROW_HEIGHT - height);
}

function rowWindow(count: number, scrollTop: number, height: number, followNewest: boolean): RowWindow {
  const length = windowLength(height);
  const last = Math.max(0, count - length);
  // Following, the list is (or is about to be, in this commit's layout effect) at the bottom.
  const top = followNewest ? maxScrollTop(count, height) : scrollTop;
  const first = Math.min(last, Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN));
  return { first, length: Math.min(length, count) };
}

/** The virtualized request list: sortable, resizable columns, arrow-key selection, follow-newest. */
export function RequestList({ layout }: { layout: ColumnLayout }) {
  const { moveSelection, select, setFollowNewest } = useActions();
  const rows = useRows();
  const { ids, rev, total } = rows;
  const { selectedId, followNewest, sort, listLoading } = useInspector(
    useShallow((s) => ({
      selectedId: s.selectedId,
      followNewest: s.followNewest,
      sort: s.sort,
      listLoading: s.listLoading,
    })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const [widths, setWidths] = useState(loadWidths);
  const columns = useMemo(() => visibleColumns(layout), [layout]);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // The scroll position and viewport height, kept outside React: a scroll re-renders only when it
  // brings other rows into the window.
  const viewport = useRef({ scrollTop: 0, height: 400 });
  const count = ids.length;
  const win = rowWindow(count, viewport.current.scrollTop, viewport.current.height, followNewest);
  const latest = useRef({ count, followNewest, first: win.first });
  latest.current = { count, followNewest, first: win.first };

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = () => {
      const { count, followNewest, first } = latest.current;
      const { height } = viewport.current;
      viewport.current.scrollTop = el.scrollTop;
      // Dragging the scrollbar away from the bottom stops following (as the wheel does).
      if (followNewest && el.scrollTop < maxScrollTop(count, height) - ROW_HEIGHT) {
        setFollowNewest(false);
        return;
      }
      // Rendered right away, so the rows scrolled into view are painted in this very frame.
      if (rowWindow(count, el.scrollTop, height, followNewest).first !== first) flushSync(rerender);
    };
    const measure = () => {
      const height = el.clientHeight;
      if (height > 0 && height !== viewport.current.height) {
        viewport.current.height = height;
        rerender();
      }
    };
    measure();
    el.addEventListener('scroll', onScroll, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer?.disconnect();
    };
  }, [setFollowNewest]);

  const onSelect = useCallback((id: string) => void select(id), [select]);

  // Follow the newest row as rows arrive (or the viewport resizes): one scroll write, to a position
  // known without reading layout (the write itself lays out once, which this frame needed anyway).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!followNewest || !el || count === 0) return;
    const bottom = maxScrollTop(count, viewport.current.height);
    if (viewport.current.scrollTop === bottom) return;
    viewport.current.scrollTop = bottom;
    el.scrollTop = bottom;
  });

  // The selected row's index: searched for only when the list moved it (a sort, a filter, a row
  // before it). `ids` changes in place with each batch (`rev`), so this is checked every render.
  const selectedAt = useRef(-1);
  let selectedIndex = -1;
  if (selectedId !== null) {
    const guess = selectedAt.current;
    selectedIndex = ids[guess] === selectedId ? guess : ids.indexOf(selectedId);
  }
  selectedAt.current = selectedIndex;

  // Keep the selected row in view when the keyboard moves it.
  useEffect(() => {
    const el = scrollRef.current;
    if (selectedIndex < 0 || !el) return;
    const { scrollTop, height } = viewport.current;
    const rowTop = selectedIndex * ROW_HEIGHT;
    let next = scrollTop;
    // The sticky header covers the top HEADER_HEIGHT px of the viewport.
    if (rowTop < scrollTop) next = rowTop;
    else if (rowTop + ROW_HEIGHT > scrollTop + height - HEADER_HEIGHT)
      next = rowTop + ROW_HEIGHT - (height - HEADER_HEIGHT);
    if (next === scrollTop) return;
    el.scrollTop = next;
    viewport.current.scrollTop = next;
    rerender();
  }, [selectedIndex]);

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
    moveSelection(move);
  };

  const resize = useCallback((key: SortKey, width: number) => {
    setWidths((current) => {
      const next = { ...current, [key]: Math.max(MIN_WIDTH, Math.round(width)) };
      try {
        localStorage.setItem(WIDTHS_KEY, JSON.stringify(next));
      } catch {
        // Not persisted; still applied.
      }
      return next;
    });
  }, []);

  // Column widths as custom properties: a resize restyles the cells without re-rendering a row.
  const columnStyle = useMemo(() => {
    const style: Record<string, string> = {};
    for (const c of COLUMNS) style[`--w-${c.key}`] = `${widths[c.key] ?? c.width}px`;
    return style as CSSProperties;
  }, [widths]);
  const totalWidth = columns.reduce((sum, c) => sum + (widths[c.key] ?? c.width), 0);

  // Rows in slot order (index modulo the window length), not index order: as the window moves, the
  // rows leaving it become the ones entering with new content and a new position, and no element
  // ever moves in the DOM (a moved element is styled and laid out from scratch, like a new one).
  // Assistive technology gets the order from aria-rowindex.
  const cells: ReactNode[] = new Array(win.length).fill(null);
  for (let index = win.first; index < win.first + win.length && index < count; index++) {
    const id = ids[index];
    const summary = id === undefined ? undefined : rows.get(id);
    if (summary === undefined) continue;
    const slot = index % win.length;
    cells[slot] = (
      <RequestRow
        // Slots, not ids: a row scrolled in reuses the DOM of the one scrolled out (text updates
        // instead of creating a dozen elements), and a row that stays in view keeps its slot and is
        // not rendered again.
        key={slot}
        summary={summary}
        index={index}
        selected={summary.id === selectedId}
        top={index * ROW_HEIGHT}
        widths={widths}
        columns={columns}
        onSelect={onSelect}
      />
    );
  }

  return (
    <div className="request-list">
      {/* biome-ignore lint/a11y/useSemanticElements: a virtualized grid of positioned rows cannot be a <table> */}
      <div
        className="grid-scroll"
        ref={scrollRef}
        role="grid"
        aria-label="Requests"
        aria-rowcount={count + 1}
        aria-colcount={columns.length}
        aria-activedescendant={selectedId !== null && selectedIndex >= 0 ? `row-${selectedId}` : undefined}
        aria-busy={listLoading}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onWheel={(event) => {
          if (event.deltaY < 0 && followNewest) setFollowNewest(false);
        }}
        style={columnStyle}
        data-rev={rev}
      >
        <HeaderRow widths={widths} columns={columns} totalWidth={totalWidth} sort={sort} onResize={resize} />
        {/* biome-ignore lint/a11y/useSemanticElements: part of the virtualized ARIA grid */}
        <div className="grid-body" role="rowgroup" style={{ height: count * ROW_HEIGHT, width: totalWidth }}>
          {cells}
        </div>
        {count === 0 && (
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

interface HeaderRowProps {
  widths: Record<string, number>;
  columns: readonly Column[];
  totalWidth: number;
  sort: SortSpec;
  onResize: (key: SortKey, width: number) => void;
}

/** The column headers: rendered again only when a width or the sort changes, not per batch. */
const HeaderRow = memo(function HeaderRow({ widths, columns, totalWidth, sort, onResize }: HeaderRowProps) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: part of the virtualized ARIA grid
    <div
      className="grid-header"
      role="row"
      tabIndex={-1}
      aria-rowindex={1}
      style={{ width: totalWidth, height: HEADER_HEIGHT }}
    >
      {columns.map((column) => (
        <HeaderCell
          key={column.key}
          column={column}
          width={widths[column.key] ?? column.width}
          sortDir={sort.key === column.key ? sort.dir : null}
          onResize={onResize}
        />
      ))}
    </div>
  );
});

interface HeaderCellProps {
  column: Column;
  width: number;
  sortDir: 'asc' | 'desc' | null;
  onResize: (key: SortKey, width: number) => void;
}

function HeaderCell({ column, width, sortDir, onResize }: HeaderCellProps) {
  const { setSort } = useActions();
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
      className={`header-cell header-${column.key}${column.numeric ? ' num' : ''}`}
      aria-sort={sortDir === null ? 'none' : sortDir === 'asc' ? 'ascending' : 'descending'}
      title={column.title}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => setSort(column.key)}
        aria-label={`${
          // The visible label is part of the name (speech input users say what they see).
          ` ${column.title.toLowerCase()} `.includes(` ${column.label.toLowerCase()} `)
            ? column.title
            : `${column.label}, ${column.title}`
        }: sort ${sortDir === 'asc' ? 'descending' : 'ascending'}`}
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
