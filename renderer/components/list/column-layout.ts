import type { SortKey } from '../../store/sort.ts';
import { COLUMNS, type Column } from './columns.tsx';

/** Which list columns show, in which order; remembered per browser profile. */
export interface ColumnLayout {
  order: readonly SortKey[];
  hidden: readonly SortKey[];
}

const LAYOUT_KEY = 'tokentap.columnLayout';
const KNOWN = new Set<string>(COLUMNS.map((c) => c.key));

/** The default: every column, in the order `COLUMNS` declares. */
export const DEFAULT_LAYOUT: ColumnLayout = { order: COLUMNS.map((c) => c.key), hidden: [] };

/** The saved layout, with unknown keys dropped and columns added since appended (shown). */
export function loadColumnLayout(): ColumnLayout {
  try {
    const saved = JSON.parse(localStorage.getItem(LAYOUT_KEY) ?? 'null') as Partial<ColumnLayout> | null;
    if (!saved || !Array.isArray(saved.order)) return DEFAULT_LAYOUT;
    const order = [...new Set(saved.order.filter((k): k is SortKey => KNOWN.has(k)))];
    for (const c of COLUMNS) if (!order.includes(c.key)) order.push(c.key);
    const hidden = Array.isArray(saved.hidden) ? saved.hidden.filter((k): k is SortKey => KNOWN.has(k)) : [];
    return hidden.length >= order.length ? { order, hidden: [] } : { order, hidden };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

export function saveColumnLayout(layout: ColumnLayout): void {
  try {
    localStorage.setItem(LAYOUT_KEY, JSON.stringify(layout));
  } catch {
    // Not persisted; still applied.
  }
}

/** The columns to draw, in order. */
export function visibleColumns(layout: ColumnLayout): readonly Column[] {
  const byKey = new Map(COLUMNS.map((c) => [c.key, c]));
  return layout.order
    .filter((k) => !layout.hidden.includes(k))
    .map((k) => byKey.get(k))
    .filter((c): c is Column => c !== undefined);
}

/** Shows or hides a column; the last visible one stays. */
export function toggleColumn(layout: ColumnLayout, key: SortKey): ColumnLayout {
  if (layout.hidden.includes(key)) return { ...layout, hidden: layout.hidden.filter((k) => k !== key) };
  if (layout.order.length - layout.hidden.length <= 1) return layout;
  return { ...layout, hidden: [...layout.hidden, key] };
}

/** Moves a column one place earlier (-1) or later (+1). */
export function moveColumn(layout: ColumnLayout, key: SortKey, by: -1 | 1): ColumnLayout {
  const order = [...layout.order];
  const at = order.indexOf(key);
  const to = at + by;
  if (at === -1 || to < 0 || to >= order.length) return layout;
  [order[at], order[to]] = [order[to] as SortKey, key];
  return { ...layout, order };
}
