import { useEffect, useRef } from 'react';
import type { ThreadTurn } from '../../../shared/threads/thread-types.ts';
import { useApi } from '../../api/api-context.tsx';
import { countOf, formatCost, formatDateTime, formatInt } from '../../format.ts';
import { useShortcut } from '../../keyboard/use-shortcut.ts';
import { useInspector } from '../../store/inspector-context.tsx';
import { useRows } from '../../store/use-rows.ts';
import { shownOrder, ThreadTree } from './thread-tree.tsx';
import { useThreads } from './threads-store.ts';
import './threads.css';
import { TurnChart } from './turn-chart.tsx';
import { TurnPanel } from './turn-panel.tsx';
import { TurnsTable } from './turns-table.tsx';

/** New traffic is gathered this long before the threads are read again (a busy agent sends many turns a second). */
const REFRESH_DELAY_MS = 400;

/** Reads the threads when the view opens and again as exchanges arrive or end. */
function useLiveThreads(): void {
  const api = useApi();
  const source = api.threads;
  const refresh = useThreads((s) => s.refresh);
  const session = useInspector((s) => s.viewSession);
  const { rev } = useRows();
  // `rev` changes with every change to the exchanges: the signal to read the threads again.
  useEffect(() => {
    const timer = setTimeout(() => void refresh(source, session), rev === 0 ? 0 : REFRESH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [source, refresh, session, rev]);
}

/** The element a keyboard move picked, focused once it is drawn (so the focus ring shows where the selection went). */
function focusPicked(selector: string): void {
  const node = document.querySelector<HTMLElement>(selector);
  node?.focus();
  node?.scrollIntoView?.({ block: 'nearest' });
}

/**
 * j/k and the arrow keys in the Threads view: through the turns while one of them has the focus,
 * else through the threads, in the order the tree shows them. (They never move the hidden request list.)
 */
function useThreadKeys(turns: readonly ThreadTurn[], shownTurn: number | null): void {
  const api = useApi();
  const session = useInspector((s) => s.viewSession);
  const threads = useThreads((s) => s.threads);
  const threadId = useThreads((s) => s.threadId);
  const selectThread = useThreads((s) => s.selectThread);
  const selectTurn = useThreads((s) => s.selectTurn);
  const moved = useRef<string | null>(null);
  useShortcut(['next', 'previous', 'open'], (name) => {
    if (name === 'open') {
      // Enter is the focused button's; with none, it goes to the selected thread.
      focusPicked(`.thread-node[data-thread-id="${CSS.escape(threadId ?? '')}"]`);
      return undefined;
    }
    const step = name === 'next' ? 1 : -1;
    const inTurns =
      document.activeElement?.closest('.turns-table') !== null && document.activeElement !== null;
    if (inTurns && turns.length > 0) {
      const at = turns.findIndex((t) => t.turn === shownTurn);
      const next = turns[Math.max(0, Math.min(turns.length - 1, (at < 0 ? turns.length - 1 : at) + step))];
      if (next) {
        selectTurn(next.turn);
        moved.current = `.turn-button[data-turn="${next.turn}"]`;
      }
      return undefined;
    }
    const order = shownOrder(threads ?? []);
    if (order.length === 0) return undefined;
    const at = threadId === null ? -1 : order.indexOf(threadId);
    const id = order[at < 0 ? 0 : Math.max(0, Math.min(order.length - 1, at + step))];
    if (id === undefined) return undefined;
    moved.current = `.thread-node[data-thread-id="${CSS.escape(id)}"]`;
    if (id !== threadId) void selectThread(api.threads, id, session);
    return undefined;
  });
  // After the move is drawn: focus what it picked.
  useEffect(() => {
    if (moved.current === null) return;
    focusPicked(moved.current);
    moved.current = null;
  });
}

/** The Threads view: the threads with their sub-agents, the picked thread's turns and tokens, and one turn in depth. */
export function ThreadsView() {
  useLiveThreads();
  const api = useApi();
  const source = api.threads;
  const session = useInspector((s) => s.viewSession);
  const threads = useThreads((s) => s.threads);
  const listError = useThreads((s) => s.listError);
  const threadId = useThreads((s) => s.threadId);
  const detail = useThreads((s) => s.detail);
  const detailError = useThreads((s) => s.detailError);
  const picked = useThreads((s) => s.turn);
  const selectThread = useThreads((s) => s.selectThread);
  const selectTurn = useThreads((s) => s.selectTurn);
  const turns = detail?.thread.id === threadId ? detail.turns : [];
  const turn = turns.find((t) => t.turn === picked) ?? turns[turns.length - 1];
  useThreadKeys(turns, turn?.turn ?? null);
  return (
    <div className="threads-view">
      <nav className="threads-list" aria-label="Threads list">
        <h2 className="threads-heading">Threads{threads ? ` (${threads.length})` : ''}</h2>
        {listError && <p className="error-text">Could not load the threads: {listError}</p>}
        {threads === null ? (
          <p className="muted">Loading…</p>
        ) : threads.length === 0 ? (
          <p className="muted">No conversations yet: threads appear as chat requests arrive.</p>
        ) : (
          <ThreadTree
            threads={threads}
            selected={threadId}
            onSelect={(id) => void selectThread(source, id, session)}
          />
        )}
      </nav>
      <section className="thread-main" aria-label="Thread">
        {detailError && <p className="error-text">{detailError}</p>}
        {detail && detail.thread.id === threadId ? (
          <>
            <header className="thread-header">
              <h2>{detail.thread.title || '(no user text)'}</h2>
              <p className="muted">
                {countOf(detail.thread.turns, 'turn')} · {detail.thread.models.join(', ')} ·{' '}
                {detail.thread.providers.join(', ')} · {formatDateTime(detail.thread.firstAt)} –{' '}
                {formatDateTime(detail.thread.lastAt)}
              </p>
              <dl className="tt-facts thread-totals">
                <dt>Input</dt>
                <dd>{formatInt(detail.thread.totals.inputTokens)} tokens</dd>
                <dt>Cached</dt>
                <dd>{formatInt(detail.thread.totals.cachedTokens)} tokens</dd>
                <dt>Output</dt>
                <dd>{formatInt(detail.thread.totals.outputTokens)} tokens</dd>
                <dt>Cost</dt>
                <dd>{formatCost(detail.thread.totals.costUsd)}</dd>
              </dl>
            </header>
            <TurnChart turns={turns} selected={turn?.turn ?? null} onSelect={selectTurn} />
            <TurnsTable turns={turns} selected={turn?.turn ?? null} onSelect={selectTurn} />
            {turn && <TurnPanel turn={turn} />}
          </>
        ) : (
          threadId !== null && !detailError && <p className="muted">Loading the thread…</p>
        )}
      </section>
    </div>
  );
}
