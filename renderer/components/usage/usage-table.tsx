import type { UsageRow } from '../../../shared/contract/inspector-contract.ts';
import { formatCost, formatInt } from '../../format.ts';

type TokenKey = 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'reasoningTokens' | 'totalTokens';

const TOKEN_COLUMNS: readonly { key: TokenKey; label: string }[] = [
  { key: 'inputTokens', label: 'Input' },
  { key: 'outputTokens', label: 'Output' },
  { key: 'cachedTokens', label: 'Cached' },
  { key: 'reasoningTokens', label: 'Reasoning' },
  { key: 'totalTokens', label: 'Total' },
];

/** A token sum that says "unknown" when no request in the row reported usage, never 0. */
function TokenCell({ row, field }: { row: UsageRow; field: TokenKey }) {
  const known = row.requests - row.unknownUsage;
  if (known <= 0) return <span className="unknown">unknown</span>;
  return <>{formatInt(row[field])}</>;
}

interface UsageTableProps {
  caption: string;
  rows: readonly UsageRow[];
  /** Which dimensions label a row. */
  dims: readonly UsageDim[];
  onPick: (row: UsageRow) => void;
}

/** A dimension of the usage totals. */
export type UsageDim = 'provider' | 'tenant' | 'model';

const HEADINGS: Record<UsageDim, string> = { provider: 'Provider', tenant: 'Tenant', model: 'Model' };

const label = (value: string | null | undefined) => value ?? '(none)';

/** One usage breakdown; a click (or Enter) on a row filters the request list to it. */
export function UsageTable({ caption, rows, dims, onPick }: UsageTableProps) {
  return (
    // Scrolls sideways on its own in a narrow pane, the row names staying in view.
    <div className="usage-table-wrap">
      <table className="usage-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {dims.map((d) => (
              <th key={d} scope="col">
                {HEADINGS[d]}
              </th>
            ))}
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Errors
            </th>
            {TOKEN_COLUMNS.map((c) => (
              <th key={c.key} scope="col" className="num">
                {c.label}
              </th>
            ))}
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num" title="Requests without usage (not in the token sums)">
              No usage
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={dims.length + 9} className="muted">
                No requests yet.
              </td>
            </tr>
          )}
          {rows.map((row) => {
            const name = dims.map((d) => label(row[d])).join(' × ');
            return (
              <tr
                key={name}
                className="clickable"
                tabIndex={0}
                aria-label={`${name}: filter the requests`}
                onClick={() => onPick(row)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    onPick(row);
                  }
                }}
              >
                {dims.map((d) => (
                  <th key={d} scope="row">
                    {label(row[d])}
                  </th>
                ))}
                <td className="num">{formatInt(row.requests)}</td>
                <td className="num">
                  {row.errors > 0 ? <span className="error-text">{formatInt(row.errors)}</span> : '0'}
                </td>
                {TOKEN_COLUMNS.map((c) => (
                  <td key={c.key} className="num">
                    <TokenCell row={row} field={c.key} />
                  </td>
                ))}
                <td className="num">
                  {row.costUsd === null ? <span className="unknown">unknown</span> : formatCost(row.costUsd)}
                </td>
                <td className="num">{row.unknownUsage > 0 ? formatInt(row.unknownUsage) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
