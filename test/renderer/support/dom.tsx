import { cleanup, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, vi } from 'vitest';
import type { RendererApi } from '../../../renderer/api/api-context.tsx';
import { App } from '../../../renderer/components/app.tsx';
import { InspectorProvider } from '../../../renderer/store/inspector-context.tsx';
import { createInspectorStore, type InspectorStore } from '../../../renderer/store/inspector-store.ts';

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

/** Per-test setup for component tests: no stored widths, layout stubs (each render has its own store). */
export function setupDomTests(): void {
  beforeEach(() => {
    installLayout();
    localStorage.clear();
    sessionStorage.clear();
  });
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });
}

/** Renders `ui` inside a fresh store built around `api`; the store is returned for the test to read. */
export function renderWithStore(ui: ReactNode, api: RendererApi) {
  const store = createInspectorStore(api);
  return { ...render(<InspectorProvider store={store}>{ui}</InspectorProvider>), store };
}

/** Renders the whole app against an InspectorApi, with its own store (returned as `store`). */
export function renderApp(api: RendererApi): ReturnType<typeof render> & { store: InspectorStore } {
  return renderWithStore(<App />, api);
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
