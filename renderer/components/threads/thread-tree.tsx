import type { ThreadListItem } from '../../../shared/threads/thread-types.ts';
import { countOf, formatCost, formatInt } from '../../format.ts';

/** The top-level threads in the order the tree shows them. */
function rootsOf(
  threads: readonly ThreadListItem[],
  byId: ReadonlyMap<string, ThreadListItem>,
): ThreadListItem[] {
  return threads.filter((t) => t.parentId === null || !byId.has(t.parentId)).reverse();
}

/** The ids of the threads in the order the tree shows them, top to bottom (what j/k move through). */
export function shownOrder(threads: readonly ThreadListItem[]): string[] {
  const byId = new Map(threads.map((t) => [t.id, t]));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (thread: ThreadListItem) => {
    if (seen.has(thread.id)) return;
    seen.add(thread.id);
    order.push(thread.id);
    for (const id of thread.childIds) {
      const child = byId.get(id);
      if (child) visit(child);
    }
  };
  for (const root of rootsOf(threads, byId)) visit(root);
  return order;
}

/** Threads as a tree: top-level threads (newest first), each with its sub-agents under it. */
export function ThreadTree({
  threads,
  selected,
  onSelect,
}: {
  threads: readonly ThreadListItem[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const byId = new Map(threads.map((t) => [t.id, t]));
  const roots = rootsOf(threads, byId);
  const seen = new Set<string>();
  const node = (thread: ThreadListItem, level: number) => {
    // A cycle in parent links would recurse for ever; each thread is drawn once.
    if (seen.has(thread.id)) return null;
    seen.add(thread.id);
    const children = thread.childIds
      .map((id) => byId.get(id))
      .filter((t): t is ThreadListItem => t !== undefined);
    return (
      <li key={thread.id}>
        <button
          type="button"
          className={`thread-node${thread.id === selected ? ' selected' : ''}`}
          data-thread-id={thread.id}
          aria-current={thread.id === selected ? 'true' : undefined}
          onClick={() => onSelect(thread.id)}
        >
          <span className="thread-title">
            {level > 0 && <span className="thread-sub">sub-agent · </span>}
            {thread.title || '(no user text)'}
          </span>
          <span className="thread-meta">
            {countOf(thread.turns, 'turn')} · {thread.models.join(', ') || 'no model'} ·{' '}
            {formatInt(thread.totals.totalTokens)} tokens · {formatCost(thread.totals.costUsd)}
          </span>
        </button>
        {children.length > 0 && (
          <ul className="thread-children" aria-label={`Sub-agents of ${thread.title || thread.id}`}>
            {children.map((child) => node(child, level + 1))}
          </ul>
        )}
      </li>
    );
  };
  return (
    <ul className="thread-tree" aria-label="Threads">
      {roots.map((root) => node(root, 0))}
    </ul>
  );
}
