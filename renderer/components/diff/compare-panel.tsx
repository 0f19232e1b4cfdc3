import { useEffect, useState } from 'react';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { useApi } from '../../api/api-context.tsx';
import { useInspector } from '../../store/inspector-context.tsx';
import { useSummary } from '../../store/use-rows.ts';
import { requestJson } from '../conversation/conversation-tab.tsx';
import { useCompare } from './compare-store.ts';
import './diff.css';
import { JsonDiffView } from './json-diff-view.tsx';

type Loaded = { records: [ExchangeRecord | null, ExchangeRecord | null]; error: string | null };

/** Both exchanges' full records, fetched when the pair changes. */
function usePairRecords(a: string, b: string): Loaded | null {
  const api = useApi();
  const session = useInspector((s) => s.viewSession);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    Promise.all([api.exchanges.get(a, session), api.exchanges.get(b, session)]).then(
      (records) => live && setLoaded({ records, error: null }),
      (error: unknown) => live && setLoaded({ records: [null, null], error: String(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, a, b, session]);
  return loaded;
}

/** How a row is named in the diff's headings: its number, path and model. */
export function exchangeName(summary: ExchangeSummary | undefined, id: string): string {
  if (summary === undefined) return id;
  return `#${summary.seq} ${summary.model ?? summary.path}`;
}

/** The request body when it is JSON, else its text (a diff of text is one changed value). */
function bodyOf(record: ExchangeRecord): unknown {
  return requestJson(record) ?? record.request.body;
}

/** Two exchanges side by side: their request bodies and their merged answers, as structural diffs. */
export function ComparePanel({ a, b }: { a: string; b: string }) {
  const swap = useCompare((s) => s.swap);
  const close = useCompare((s) => s.close);
  const left = useSummary(a);
  const right = useSummary(b);
  const loaded = usePairRecords(a, b);
  const leftName = exchangeName(left, a);
  const rightName = exchangeName(right, b);
  const [ra, rb] = loaded?.records ?? [null, null];
  return (
    <section className="compare-panel" aria-label="Compare exchanges">
      <header className="compare-header">
        <h2>
          {leftName} ↔ {rightName}
        </h2>
        <button type="button" className="tool-button" onClick={swap}>
          Swap sides
        </button>
        <button type="button" className="icon-button" aria-label="Close comparison" onClick={close}>
          ✕
        </button>
      </header>
      <div className="compare-body">
        {loaded === null ? (
          <p className="muted">Loading both exchanges…</p>
        ) : loaded.error !== null || ra === null || rb === null ? (
          <p className="error-text">
            Could not load both exchanges{loaded.error ? `: ${loaded.error}` : ''}.
          </p>
        ) : (
          <>
            <section aria-labelledby="compare-requests">
              <h3 id="compare-requests">Request bodies</h3>
              <JsonDiffView
                before={bodyOf(ra)}
                after={bodyOf(rb)}
                label="Request body differences"
                beforeLabel={leftName}
                afterLabel={rightName}
              />
            </section>
            <section aria-labelledby="compare-answers">
              <h3 id="compare-answers">Merged answers</h3>
              {ra.merged === null && rb.merged === null ? (
                <p className="muted">Neither exchange has a merged answer.</p>
              ) : (
                <JsonDiffView
                  before={ra.merged}
                  after={rb.merged}
                  label="Merged answer differences"
                  beforeLabel={leftName}
                  afterLabel={rightName}
                />
              )}
            </section>
          </>
        )}
      </div>
    </section>
  );
}
