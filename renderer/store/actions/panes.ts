import type { UiSlice } from '../inspector-state.ts';
import type { StoreKit } from '../store-kit.ts';

/** Which pane is beside the list: the selected exchange's detail or the usage totals. */
export function paneActions({ set }: StoreKit) {
  function setPane(pane: UiSlice['pane']): void {
    set({ pane });
  }

  return { setPane };
}
