import { type MouseEvent, useEffect } from 'react';
import { useInspector } from '../../store/inspector-context.tsx';
import { useSummary } from '../../store/use-rows.ts';
import { ExchangeDetail } from '../detail/exchange-detail.tsx';
import { ComparePanel, exchangeName } from './compare-panel.tsx';
import { useCompare } from './compare-store.ts';

/** The side pane: the comparison when two exchanges are compared, else the selected exchange's detail. */
export function DetailOrCompare() {
  const pair = useCompare((s) => s.pair);
  if (pair !== null) return <ComparePanel a={pair.a} b={pair.b} />;
  return (
    <>
      <PickingBanner />
      <ExchangeDetail />
    </>
  );
}

/** While picking the second exchange: what to do, a keyboard way to confirm, and Cancel. */
function PickingBanner() {
  const picking = useCompare((s) => s.picking);
  const compare = useCompare((s) => s.compare);
  const close = useCompare((s) => s.close);
  const selectedId = useInspector((s) => s.selectedId);
  const pickedSummary = useSummary(picking);
  const name = picking === null ? '' : exchangeName(pickedSummary, picking);
  if (picking === null) return null;
  return (
    <div className="compare-picking" role="status">
      <span>
        Comparing <strong>{name}</strong> with…: click another row (or move to it with j / k and press the
        button).
      </span>
      <button
        type="button"
        className="tool-button"
        disabled={selectedId === null || selectedId === picking}
        onClick={() => selectedId !== null && compare(picking, selectedId)}
      >
        Compare with the selected row
      </button>
      <button type="button" className="tool-button" onClick={close}>
        Cancel
      </button>
    </div>
  );
}

/** "Compare with…" in the detail header: the next row picked is compared with this one. */
export function CompareButton({ id }: { id: string }) {
  const startPicking = useCompare((s) => s.startPicking);
  const picking = useCompare((s) => s.picking);
  return (
    <button
      type="button"
      className="tool-button"
      aria-pressed={picking === id}
      title="Compare this exchange with another row (or Ctrl/⌘-click a second row)"
      onClick={() => startPicking(id)}
    >
      Compare with…
    </button>
  );
}

/**
 * For the request list's container (a capture-phase mousedown handler): Ctrl/⌘-click on a row compares
 * it with the selected one, and a click while picking compares it with the exchange being compared;
 * either way the selection stays. A plain click while comparing goes back to that row's detail.
 */
export function useCompareClicks(): (event: MouseEvent) => void {
  const picking = useCompare((s) => s.picking);
  const comparing = useCompare((s) => s.pair !== null);
  const compare = useCompare((s) => s.compare);
  const close = useCompare((s) => s.close);
  const selectedId = useInspector((s) => s.selectedId);
  // The comparison lives in the detail's place: when the detail closes (Esc, ✕), so does it.
  useEffect(() => {
    if (selectedId === null) close();
  }, [selectedId, close]);
  return (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[role="row"][data-id]');
    const id = row?.dataset.id;
    if (id === undefined) return;
    const base = event.ctrlKey || event.metaKey ? selectedId : picking;
    if (base === null || base === id) {
      if (comparing && base === null) close();
      return;
    }
    // Before the row's own handler, which would select it.
    event.stopPropagation();
    event.preventDefault();
    compare(base, id);
  };
}
