import { Popover } from '../popover.tsx';
import { type ColumnLayout, DEFAULT_LAYOUT, moveColumn, toggleColumn } from './column-layout.ts';
import { COLUMNS } from './columns.tsx';

/** Show, hide and reorder the list's columns (checkboxes and move buttons: all of it by keyboard too). */
export function ColumnsMenu({
  layout,
  onChange,
}: {
  layout: ColumnLayout;
  onChange: (layout: ColumnLayout) => void;
}) {
  const byKey = new Map(COLUMNS.map((c) => [c.key, c]));
  return (
    <Popover label="Columns" ariaLabel="List columns" buttonClass="tool-button columns-button" align="end">
      {() => (
        <div className="columns-menu">
          <ol className="columns-list">
            {layout.order.map((key, i) => {
              const column = byKey.get(key);
              if (!column) return null;
              return (
                <li key={key} className="columns-item">
                  <label>
                    <input
                      type="checkbox"
                      checked={!layout.hidden.includes(key)}
                      onChange={() => onChange(toggleColumn(layout, key))}
                    />{' '}
                    {column.title}
                  </label>
                  <span className="columns-move">
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Move ${column.title} earlier`}
                      disabled={i === 0}
                      onClick={() => onChange(moveColumn(layout, key, -1))}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Move ${column.title} later`}
                      disabled={i === layout.order.length - 1}
                      onClick={() => onChange(moveColumn(layout, key, 1))}
                    >
                      ↓
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
          <button type="button" className="tool-button" onClick={() => onChange(DEFAULT_LAYOUT)}>
            Reset columns
          </button>
        </div>
      )}
    </Popover>
  );
}
