import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { ApiProvider } from '../../../renderer/api/api-context.tsx';
import { App } from '../../../renderer/components/app.tsx';
import { clearDetailCache } from '../../../renderer/store/actions.ts';
import { resetStore } from '../../../renderer/store/inspector-store.ts';
import type { InspectorApi } from '../../../shared/inspector-contract.ts';

/** jsdom has no layout: give scroll containers a size so the virtualizer renders rows. */
export function installLayout(): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 1200 });
  HTMLElement.prototype.scrollTo = function scrollTo(this: HTMLElement, options?: ScrollToOptions | number) {
    if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top;
  };
}

/** Per-test setup for component tests: a fresh store, no stored widths, layout stubs. */
export function setupDomTests(): void {
  beforeEach(() => {
    installLayout();
    localStorage.clear();
    sessionStorage.clear();
    resetStore();
    clearDetailCache();
  });
  afterEach(() => {
    cleanup();
    resetStore();
    vi.restoreAllMocks();
  });
}

/** Renders the whole app against an InspectorApi. */
export function renderApp(api: InspectorApi) {
  return render(
    <ApiProvider api={api}>
      <App />
    </ApiProvider>,
  );
}

/** Resolves after the next animation frame (when queued live batches are applied). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** The request list. */
export function grid(): HTMLElement {
  return screen.getByRole('grid', { name: 'Requests' });
}

/** The list's rows that show an exchange (not the header). */
export function dataRows(): HTMLElement[] {
  return within(grid())
    .getAllByRole('row')
    .filter((row) => row.hasAttribute('data-id'));
}
