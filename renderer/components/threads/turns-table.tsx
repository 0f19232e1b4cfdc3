import type { ThreadTurn } from '../../../shared/threads/thread-types.ts';
import { formatClock, formatCost, formatInt } from '../../format.ts';
import { VerdictBadge } from './cache-verdict-view.tsx';
import { deltaWords } from './turn-delta-view.tsx';
import { turnTokens } from './turn-tokens.ts';

/** The thread's turns, one row each: time, model, tokens, cost, cache verdict, what changed; a button picks one. */
export function TurnsTable({
  turns,
  selected,
  onSelect,
}: {
  turns: readonly ThreadTurn[];
  selected: number | null;
  onSelect: (turn: number) => void;
}) {
  return (
    <table className="turns-table" aria-label="Turns">
      <thead>
        <tr>
          <th scope="col">Turn</th>
          <th scope="col">Started</th>
          <th scope="col">Model</th>
          <th scope="col" className="num">
            Cached in
          </th>
          <th scope="col" className="num">
            Uncached in
          </th>
          <th scope="col" className="num">
            Output
          </th>
          <th scope="col" className="num">
            Cost
          </th>
          <th scope="col">Cache</th>
          <th scope="col">Changes</th>
        </tr>
      </thead>
      <tbody>
        {turns.map((turn) => {
          const tokens = turnTokens(turn);
          const isSelected = turn.turn === selected;
          return (
            <tr key={`${turn.exchangeId}:${turn.turn}`} className={isSelected ? 'selected' : undefined}>
              <td>
                <button
                  type="button"
                  className="turn-button"
                  aria-pressed={isSelected}
                  aria-label={`Turn ${turn.turn}`}
                  data-turn={turn.turn}
                  onClick={() => onSelect(turn.turn)}
                >
                  {turn.turn}
                </button>
              </td>
              <td className="num">{formatClock(turn.startedAt)}</td>
              <td>{turn.model ?? '—'}</td>
              <td className="num">{tokens ? formatInt(tokens.cached) : '—'}</td>
              <td className="num">{tokens ? formatInt(tokens.uncached) : '—'}</td>
              <td className="num">{tokens ? formatInt(tokens.output) : '—'}</td>
              <td className="num">{formatCost(turn.costUsd)}</td>
              <td>{turn.cache ? <VerdictBadge verdict={turn.cache.verdict} /> : '—'}</td>
              <td>{deltaWords(turn.delta)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
