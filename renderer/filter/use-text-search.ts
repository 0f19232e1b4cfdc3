import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../api/api-context.tsx';
import { useActions, useInspector } from '../store/inspector-context.tsx';
import { useRowCounts } from '../store/use-rows.ts';
import type { TextHits } from './query-match.ts';
import { parseQuery } from './query-parse.ts';

/** How long new exchanges wait before a running text search is asked again (they arrive in bursts). */
const AGAIN_MS = 500;

/**
 * Answers the filter's `text:"…"` terms: each is asked of the main side (`search.text`, over the
 * session on disk), and the filter is applied again with the ids it found. Asked again when the
 * session grows, so new exchanges that hold the text show up.
 */
export function useTextSearch(): void {
  const api = useApi();
  const { setFilter } = useActions();
  const { filterText, session } = useInspector(
    useShallow((s) => ({ filterText: s.filterText, session: s.viewSession })),
  );
  const { total } = useRowCounts();
  const asked = useRef({ key: '', total: 0 });
  useEffect(() => {
    // The first answer at once; a growing session's again after a pause.
    const key = `${session ?? ''}\n${filterText}`;
    const wait = asked.current.key === key && asked.current.total !== total ? AGAIN_MS : 0;
    asked.current = { key, total };
    const texts = [
      ...new Set(parseQuery(filterText).terms.flatMap((t) => (t.kind === 'search' ? [t.text] : []))),
    ];
    if (texts.length === 0) return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const hits: TextHits = new Map(
          await Promise.all(
            texts.map(async (text) => [text, new Set(await api.search.text(text, session))] as const),
          ),
        );
        if (!cancelled) setFilter(filterText, hits);
      } catch {
        // The filter shows nothing for the term; the next change asks again.
      }
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, setFilter, filterText, session, total]);
}
