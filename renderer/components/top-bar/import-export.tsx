import { useRef } from 'react';
import type { ExportFormat } from '../../../shared/contract/inspector-contract.ts';
import { formatInt } from '../../format.ts';
import { useActions } from '../../store/inspector-context.tsx';
import { useRowCounts } from '../../store/use-rows.ts';
import { Popover } from '../popover.tsx';

/** Import a HAR or JSONL file; export the session or the filtered rows as HAR or JSONL. */
export function ImportExport() {
  const { exportExchanges, importFile } = useActions();
  const input = useRef<HTMLInputElement>(null);
  const { shown, total } = useRowCounts();
  const filtered = shown !== total;
  const run = (format: ExportFormat, scope: 'all' | 'filtered', close: () => void) => {
    close();
    void exportExchanges(format, scope);
  };
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".har,.jsonl,.ndjson,.json,application/json"
        className="visually-hidden"
        aria-label="Import a HAR or JSONL file"
        tabIndex={-1}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void importFile(file);
        }}
      />
      <button type="button" className="tool-button" onClick={() => input.current?.click()}>
        Import…
      </button>
      <Popover label="Export ▾" ariaLabel="Export" align="end">
        {(close) => (
          <div className="export-menu">
            <button type="button" className="menu-item" onClick={() => run('har', 'all', close)}>
              Session as HAR ({formatInt(total)})
            </button>
            <button type="button" className="menu-item" onClick={() => run('jsonl', 'all', close)}>
              Session as JSONL ({formatInt(total)})
            </button>
            <button
              type="button"
              className="menu-item"
              disabled={!filtered || shown === 0}
              onClick={() => run('har', 'filtered', close)}
            >
              Filtered rows as HAR ({formatInt(shown)})
            </button>
            <button
              type="button"
              className="menu-item"
              disabled={!filtered || shown === 0}
              onClick={() => run('jsonl', 'filtered', close)}
            >
              Filtered rows as JSONL ({formatInt(shown)})
            </button>
          </div>
        )}
      </Popover>
    </>
  );
}
