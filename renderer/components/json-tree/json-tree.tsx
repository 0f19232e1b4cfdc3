import { useEffect, useMemo, useRef, useState } from 'react';
import { copyText } from '../copy-button.tsx';
import { formatPath, type PathStep, pathKey, searchJson } from './json-path.ts';

/** Children shown at first under one object or array; more on request (DevTools groups by 100 too). */
const PAGE = 100;
/** "Expand all" means this deep: deeper still is a click away, and the page stays responsive. */
const ALL = 64;

interface TreeState {
  /** Nodes shallower than this are open unless toggled. */
  depth: number;
  /** Per-node open/closed choices that override `depth` (keys: pathKey). */
  toggled: Map<string, boolean>;
  /** How many children each node shows (keys: pathKey). */
  shown: Map<string, number>;
  /** Ancestors of the current search hit: forced open. */
  forced: Set<string>;
  currentHit: string | null;
  /** The current hit's path: a node on it shows the child it leads through even past its page. */
  currentSteps: readonly PathStep[] | null;
  hits: Set<string>;
  query: string;
  toggle(key: string, open: boolean): void;
  showMore(key: string): void;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object';
}

function preview(value: Record<string, unknown> | unknown[]): string {
  if (Array.isArray(value)) return `[…] ${value.length} item${value.length === 1 ? '' : 's'}`;
  const n = Object.keys(value).length;
  return `{…} ${n} key${n === 1 ? '' : 's'}`;
}

function primitiveClass(value: unknown): string {
  if (value === null) return 'json-null';
  return `json-${typeof value}`;
}

function Highlighted({ text, query }: { text: string; query: string }) {
  if (query === '') return <>{text}</>;
  const at = text.toLowerCase().indexOf(query.toLowerCase());
  if (at === -1) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + query.length)}</mark>
      {text.slice(at + query.length)}
    </>
  );
}

function JsonNode({
  name,
  value,
  steps,
  state,
}: {
  name: PathStep | null;
  value: unknown;
  steps: PathStep[];
  state: TreeState;
}) {
  const key = pathKey(steps);
  const container = isContainer(value);
  const open = container && (state.forced.has(key) || (state.toggled.get(key) ?? steps.length < state.depth));
  const current = state.currentHit === key;
  const label =
    name === null ? null : (
      <span className="json-key">
        {typeof name === 'number' ? name : <Highlighted text={JSON.stringify(name)} query={state.query} />}
        <span className="json-colon">: </span>
      </span>
    );
  const copyValue = () => void copyText(container ? JSON.stringify(value, null, 2) : String(value));
  const copyPath = () => void copyText(formatPath(steps));
  const tools = (
    <span className="json-tools">
      <button
        type="button"
        className="json-tool"
        onClick={copyValue}
        aria-label={`Copy value of ${formatPath(steps)}`}
      >
        copy
      </button>
      <button
        type="button"
        className="json-tool"
        onClick={copyPath}
        aria-label={`Copy path ${formatPath(steps)}`}
      >
        path
      </button>
    </span>
  );
  const rowClass = `json-row${state.hits.has(key) ? ' json-hit' : ''}${current ? ' json-current' : ''}`;
  if (!container) {
    const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
    return (
      <li className={rowClass} data-path={key}>
        <span className="json-toggle-space" />
        {label}
        <span className={primitiveClass(value)}>
          <Highlighted text={text} query={state.query} />
        </span>
        {tools}
      </li>
    );
  }
  const entries: [PathStep, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  const shown = state.shown.get(key) ?? PAGE;
  // The child the current search hit leads through, when it lies past the page shown.
  const along = state.currentSteps;
  const onPath = along !== null && along.length > steps.length && steps.every((s, i) => along[i] === s);
  const via = onPath ? entries.findIndex(([childName]) => childName === along[steps.length]) : -1;
  const beyond = via >= shown ? entries[via] : undefined;
  return (
    <li className="json-branch" data-path={key}>
      <div className={rowClass}>
        <button
          type="button"
          className="json-toggle"
          aria-expanded={open}
          aria-label={`${open ? 'Collapse' : 'Expand'} ${formatPath(steps)}`}
          onClick={() => state.toggle(key, !open)}
        >
          {open ? '▾' : '▸'}
        </button>
        {label}
        <span className="json-preview">{open ? (Array.isArray(value) ? '[' : '{') : preview(value)}</span>
        {tools}
      </div>
      {open && (
        <ul className="json-children">
          {entries.slice(0, shown).map(([childName, child]) => (
            <JsonNode
              key={String(childName)}
              name={childName}
              value={child}
              steps={[...steps, childName]}
              state={state}
            />
          ))}
          {beyond !== undefined && (
            <>
              <li className="json-row json-gap muted">… {via - shown} more …</li>
              <JsonNode name={beyond[0]} value={beyond[1]} steps={[...steps, beyond[0]]} state={state} />
            </>
          )}
          {entries.length > shown && (
            <li className="json-row">
              <button type="button" className="tool-button json-more" onClick={() => state.showMore(key)}>
                Show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

/**
 * A parsed JSON value as a collapsible tree: open to a depth, search keys and values (hits'
 * ancestors open, Enter steps through them), copy any value or its path. Only open nodes are
 * rendered, at most 100 children each until asked for more, so a body of several MB stays
 * responsive.
 */
export function JsonTree({ value, label }: { value: unknown; label: string }) {
  const [depth, setDepth] = useState(2);
  const [toggled, setToggled] = useState(() => new Map<string, boolean>());
  const [shown, setShown] = useState(() => new Map<string, number>());
  const [query, setQuery] = useState('');
  const [hitIndex, setHitIndex] = useState(0);
  const search = useMemo(() => searchJson(value, query), [value, query]);
  const hitKeys = useMemo(() => new Set(search.hits.map((h) => pathKey(h.steps))), [search]);
  const current = search.hits[Math.min(hitIndex, search.hits.length - 1)];
  const forced = useMemo(() => {
    const out = new Set<string>();
    if (current) for (let i = 0; i < current.steps.length; i++) out.add(pathKey(current.steps.slice(0, i)));
    return out;
  }, [current]);
  const currentKey = current ? pathKey(current.steps) : null;
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (currentKey === null) return;
    const rows = root.current?.querySelectorAll<HTMLElement>('[data-path]') ?? [];
    const row = [...rows].find((r) => r.dataset.path === currentKey);
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [currentKey]);

  const state: TreeState = {
    depth,
    toggled,
    shown,
    forced,
    currentHit: currentKey,
    currentSteps: current?.steps ?? null,
    hits: hitKeys,
    query,
    toggle: (key, open) => setToggled((m) => new Map(m).set(key, open)),
    showMore: (key) => setShown((m) => new Map(m).set(key, (m.get(key) ?? PAGE) + PAGE)),
  };
  const expandTo = (d: number) => {
    setDepth(d);
    setToggled(new Map());
  };
  const step = (by: number) => {
    if (search.hits.length === 0) return;
    setHitIndex((i) => (Math.min(i, search.hits.length - 1) + by + search.hits.length) % search.hits.length);
  };

  return (
    <div className="json-tree" ref={root}>
      <div className="json-toolbar" role="toolbar" aria-label={`${label} tree`}>
        <span className="muted">Open</span>
        <button type="button" className="tool-button" onClick={() => expandTo(0)}>
          None
        </button>
        {[1, 2, 3].map((d) => (
          <button
            key={d}
            type="button"
            className="tool-button"
            aria-pressed={depth === d && toggled.size === 0}
            aria-label={`Open to depth ${d}`}
            onClick={() => expandTo(d)}
          >
            {d}
          </button>
        ))}
        <button type="button" className="tool-button" onClick={() => expandTo(ALL)}>
          All
        </button>
        <input
          type="search"
          className="json-search"
          placeholder="Search keys and values"
          aria-label={`Search ${label}`}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setHitIndex(0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              step(event.shiftKey ? -1 : 1);
            }
          }}
        />
        {query !== '' && (
          <span className="muted" role="status">
            {search.hits.length === 0
              ? 'no match'
              : `${Math.min(hitIndex, search.hits.length - 1) + 1} of ${search.hits.length}${search.capped ? '+' : ''}`}
          </span>
        )}
      </div>
      <ul className="json-children json-root" aria-label={label}>
        <JsonNode name={null} value={value} steps={[]} state={state} />
      </ul>
    </div>
  );
}
