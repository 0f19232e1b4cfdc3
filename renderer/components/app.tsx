import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ShortcutsHelp } from '../keyboard/shortcuts-help.tsx';
import { useShortcut } from '../keyboard/use-shortcut.ts';
import { useActions, useInspector } from '../store/inspector-context.tsx';
import { DetailOrCompare, useCompareClicks } from './diff/compare-entry.tsx';
import { loadColumnLayout, saveColumnLayout } from './list/column-layout.ts';
import { ColumnsMenu } from './list/columns-menu.tsx';
import { FilterBar } from './list/filter-bar.tsx';
import { RequestList } from './list/request-list.tsx';
import { TaskBar } from './task-bar.tsx';
import { ThreadsUiProvider } from './threads/threads-ui-provider.tsx';
import { ThreadsViewSlot, useThreadsViewOpen, ViewSwitch } from './threads/view-switch.tsx';
import { ReplayBanner } from './top-bar/replay-control.tsx';
import { TopBar } from './top-bar/top-bar.tsx';
import { UsagePanel } from './usage/usage-panel.tsx';

const SPLIT_KEY = 'tokentap.split';

/** The inspector with its Threads view's and comparison's state (one store each per app). */
export function App() {
  return (
    <ThreadsUiProvider>
      <Inspector />
    </ThreadsUiProvider>
  );
}

/** The inspector: top bar, request list (or the Threads view), and the detail or usage pane beside it. */
function Inspector() {
  const { start, loadSession, moveSelection, select } = useActions();
  useEffect(() => start(), [start]);
  const { pane, viewSession, sessions, hasSelection } = useInspector(
    useShallow((s) => ({
      pane: s.pane,
      viewSession: s.viewSession,
      sessions: s.sessions,
      hasSelection: s.selectedId !== null,
    })),
  );
  // Like DevTools: the list has the whole width until there is something to show beside it.
  const sideOpen = pane === 'usage' || hasSelection;
  const [split, setSplit] = useState(() => Number(localStorage.getItem(SPLIT_KEY)) || 55);
  const main = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const viewed = sessions.find((s) => s.id === viewSession);
  const [helpOpen, setHelpOpen] = useState(false);
  const [columnLayout, setColumnLayout] = useState(loadColumnLayout);
  const threadsOpen = useThreadsViewOpen();
  const compareClicks = useCompareClicks();

  useShortcut(['next', 'previous', 'open', 'close', 'filter', 'help'], (name) => {
    // The Threads view moves through what it shows (the request list is hidden meanwhile).
    if (threadsOpen && (name === 'next' || name === 'previous' || name === 'open')) return false;
    if (name === 'next' || name === 'previous') moveSelection(name === 'next' ? 1 : -1);
    else if (name === 'filter') document.querySelector<HTMLInputElement>('.filter-input')?.focus();
    else if (name === 'help') setHelpOpen(true);
    else if (name === 'close') {
      if (!hasSelection) return false;
      void select(null);
    } else if (!hasSelection) moveSelection('first');
    else document.querySelector<HTMLElement>('.detail-tabs [role="tab"][aria-selected="true"]')?.focus();
    return undefined;
  });

  const setSplitSaved = (value: number) => {
    const v = Math.max(20, Math.min(85, value));
    setSplit(v);
    try {
      localStorage.setItem(SPLIT_KEY, String(v));
    } catch {
      // Not persisted.
    }
  };

  return (
    <div className="app">
      <TopBar />
      <ReplayBanner />
      {viewSession !== null && (
        <div className="read-only-banner" role="status">
          Viewing past session <strong>{viewed?.name ?? viewSession}</strong> (read-only). Live capture
          continues in the current session.
          <button type="button" className="tool-button" onClick={() => void loadSession(null)}>
            Back to live
          </button>
        </div>
      )}
      <ViewSwitch />
      <ThreadsViewSlot />
      <div
        className="main"
        hidden={threadsOpen}
        ref={main}
        style={{ gridTemplateColumns: sideOpen ? `${split}% 5px 1fr` : '1fr' }}
        onPointerMove={(event) => {
          if (!dragging.current || !main.current) return;
          const rect = main.current.getBoundingClientRect();
          if (rect.width > 0) setSplitSaved(((event.clientX - rect.left) / rect.width) * 100);
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onMouseDownCapture={compareClicks}
      >
        <section className="list-pane" aria-label="Requests">
          <FilterBar>
            <ColumnsMenu
              layout={columnLayout}
              onChange={(next) => {
                setColumnLayout(next);
                saveColumnLayout(next);
              }}
            />
          </FilterBar>
          <RequestList layout={columnLayout} />
        </section>
        {sideOpen && (
          // biome-ignore lint/a11y/useSemanticElements: a focusable splitter has no native element
          <div
            className="splitter"
            role="separator"
            aria-orientation="vertical"
            aria-label="Resize the request list"
            aria-valuenow={Math.round(split)}
            aria-valuemin={20}
            aria-valuemax={85}
            tabIndex={0}
            onPointerDown={(event) => {
              event.preventDefault();
              dragging.current = true;
            }}
            onKeyDown={(event) => {
              if (event.key === 'ArrowLeft') setSplitSaved(split - 2);
              if (event.key === 'ArrowRight') setSplitSaved(split + 2);
            }}
          />
        )}
        {sideOpen && (
          <section className="side-pane">{pane === 'usage' ? <UsagePanel /> : <DetailOrCompare />}</section>
        )}
      </div>
      <TaskBar />
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
