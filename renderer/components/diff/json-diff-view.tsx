import { useMemo, useState } from 'react';
import './diff.css';
import { type DiffRow, jsonDiff } from './json-diff.ts';
import { MarkedDifference } from './marked-difference.tsx';

/** Values longer than this show their start (and, for changed strings, the stretch that differs). */
const SHOWN = 600;
/** Characters of unchanged text kept on each side of a difference inside a string. */
const AROUND = 80;

/** Unchanged values are context only: shorter still. */
const SHOWN_SAME = 160;

function clip(text: string, max = SHOWN): string {
  return text.length > max
    ? `${text.slice(0, max)}… (${text.length.toLocaleString('en-US')} characters)`
    : text;
}

/** A JSON string value's text, or null when the JSON text is not a string. */
function stringOf(json: string | null): string | null {
  if (json === null || !json.startsWith('"')) return null;
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

function Value({ row, side }: { row: DiffRow; side: 'before' | 'after' }) {
  const json = side === 'before' ? row.before : row.after;
  if (json === null) return <span className="diff-absent">(absent)</span>;
  if (row.kind === 'changed') {
    const before = stringOf(row.before);
    const after = stringOf(row.after);
    if (before !== null && after !== null)
      return <MarkedDifference before={before} after={after} side={side} around={AROUND} clip={clip} />;
  }
  return <>{clip(json, row.kind === 'same' ? SHOWN_SAME : SHOWN)}</>;
}

const KIND_WORDS: Record<DiffRow['kind'], string> = {
  same: 'unchanged',
  changed: 'changed',
  added: 'added',
  removed: 'removed',
};

function Row({ row }: { row: DiffRow }) {
  return (
    <tr className={`diff-row diff-${row.kind}`}>
      <th scope="row" className="diff-path">
        <span className="visually-hidden">{KIND_WORDS[row.kind]}: </span>
        {row.path}
      </th>
      <td className="diff-value diff-before">
        <Value row={row} side="before" />
      </td>
      <td className="diff-value diff-after">
        <Value row={row} side="after" />
      </td>
    </tr>
  );
}

/** Two JSON values side by side by path: changed, added and removed values marked, long unchanged runs folded. */
export function JsonDiffView({
  before,
  after,
  label,
  beforeLabel,
  afterLabel,
}: {
  before: unknown;
  after: unknown;
  label: string;
  beforeLabel: string;
  afterLabel: string;
}) {
  const diff = useMemo(() => jsonDiff(before, after), [before, after]);
  /** Folds opened, by the path of their first row. */
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const total = diff.changed + diff.added + diff.removed;
  return (
    <div className="json-diff">
      <p className="diff-counts" role="status">
        {total === 0
          ? 'No differences.'
          : `${diff.changed} changed, ${diff.added} added, ${diff.removed} removed`}
      </p>
      <table className="diff-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">{beforeLabel}</th>
            <th scope="col">{afterLabel}</th>
          </tr>
        </thead>
        <tbody>
          {diff.lines.map((line) => {
            // A path appears once in a diff, so it names its row (and a fold, by its first row).
            if (line.kind !== 'fold') return <Row key={line.path} row={line} />;
            const first = line.rows[0]?.path ?? '';
            const last = line.rows[line.rows.length - 1]?.path ?? '';
            if (open.has(first)) return line.rows.map((row) => <Row key={row.path} row={row} />);
            return (
              <tr key={`fold:${first}`} className="diff-fold">
                <td colSpan={3}>
                  <button
                    type="button"
                    className="tool-button"
                    onClick={() => setOpen((s) => new Set(s).add(first))}
                  >
                    {line.rows.length.toLocaleString('en-US')} unchanged values ({first} … {last})
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
