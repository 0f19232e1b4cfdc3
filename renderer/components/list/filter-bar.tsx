import type { ReactNode } from 'react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { applySuggestion, type Suggestion, suggest } from '../../filter/query-suggest.ts';
import { useTextSearch } from '../../filter/use-text-search.ts';
import { countOf, formatInt } from '../../format.ts';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { useRowCounts } from '../../store/use-rows.ts';

const HELP =
  'Free text, model:, tenant:, api:, method:, state:, error:rate_limit_error, is:error|aborted|streaming|live, has:usage, ' +
  'status>=400, tokens>1000, cost>0.01, ttft>500, text:"words in prompts or answers". Space = and, - = not.';

/** The filter query input with autocomplete from captured values, the row count and follow-newest. */
export function FilterBar({ children }: { children?: ReactNode }) {
  const { setFilter, setFollowNewest } = useActions();
  const { filterText, filterErrors, facets, followNewest } = useInspector(
    useShallow((s) => ({
      filterText: s.filterText,
      filterErrors: s.filterErrors,
      facets: s.facets,
      followNewest: s.followNewest,
    })),
  );
  const { shown, total } = useRowCounts();
  useTextSearch();
  const [text, setText] = useState(filterText);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);

  // The store can set the filter too (a click in the usage tables).
  useEffect(() => setText(filterText), [filterText]);

  // Filtering 100k rows takes a few ms: apply on a short debounce, not per keystroke.
  useEffect(() => {
    if (text === filterText) return;
    const timer = setTimeout(() => setFilter(text), 120);
    return () => clearTimeout(timer);
  }, [text, filterText, setFilter]);

  const suggestions = useMemo(() => (open ? suggest(text, facets) : []), [open, text, facets]);
  const expanded = open && suggestions.length > 0;

  const accept = (suggestion: Suggestion) => {
    const next = applySuggestion(text, suggestion);
    setText(next);
    setActive(0);
    input.current?.focus();
  };

  return (
    <div className="filter-bar">
      <label className="visually-hidden" htmlFor={`${listId}-input`}>
        Filter requests
      </label>
      <div className="filter-input-wrap">
        <input
          id={`${listId}-input`}
          ref={input}
          className={`filter-input ${filterErrors.length ? 'has-error' : ''}`}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded ? `${listId}-opt-${active}` : undefined}
          aria-describedby={`${listId}-help`}
          placeholder="Filter: model:gpt-4o status>=400 -is:streaming tokens>1000"
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            setActive(0);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              if (expanded) setOpen(false);
              else setText('');
              return;
            }
            if (event.key === 'Enter' && !expanded) {
              setFilter(text);
              return;
            }
            if (!expanded) {
              if (event.key === 'ArrowDown') setOpen(true);
              return;
            }
            if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              const step = event.key === 'ArrowDown' ? 1 : -1;
              setActive((a) => (a + step + suggestions.length) % suggestions.length);
            } else if (event.key === 'Enter' || event.key === 'Tab') {
              const chosen = suggestions[active];
              if (chosen) {
                event.preventDefault();
                accept(chosen);
              }
            }
          }}
        />
        {expanded && (
          <div className="suggestions" id={listId} role="listbox" aria-label="Filter suggestions">
            {suggestions.map((s, i) => (
              <div
                key={s.term}
                id={`${listId}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                tabIndex={-1}
                className={`suggestion ${i === active ? 'active' : ''}`}
                onMouseDown={(event) => {
                  event.preventDefault();
                  accept(s);
                }}
              >
                <span className="suggestion-term">{s.term}</span>
                <span className="suggestion-hint">{s.hint}</span>
              </div>
            ))}
          </div>
        )}
      </div>
      <span id={`${listId}-help`} className="visually-hidden">
        {HELP}
      </span>
      {filterErrors.length > 0 && (
        <span className="filter-error" role="status" title={filterErrors.join('\n')}>
          {filterErrors[0]}
        </span>
      )}
      <span className="row-count" aria-live="polite">
        {shown === total ? countOf(total, 'request') : `${formatInt(shown)} of ${formatInt(total)}`}
      </span>
      <label className="toggle" title="Scroll to each new request as it arrives">
        <input
          type="checkbox"
          checked={followNewest}
          onChange={(event) => setFollowNewest(event.target.checked)}
        />
        Follow newest
      </label>
      {children}
    </div>
  );
}
