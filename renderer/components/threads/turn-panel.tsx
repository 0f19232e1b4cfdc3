import type { ThreadTurn } from '../../../shared/threads/thread-types.ts';
import { formatCost } from '../../format.ts';
import { useActions } from '../../store/inspector-context.tsx';
import { useCompare } from '../diff/compare-store.ts';
import { CacheVerdictView } from './cache-verdict-view.tsx';
import { ContextBar } from './context-bar.tsx';
import { useThreads } from './threads-store.ts';
import { TurnDeltaView } from './turn-delta-view.tsx';

/** One turn of a thread: what changed, the cache verdict and why, what fills its context; links to the exchange and a diff. */
export function TurnPanel({ turn }: { turn: ThreadTurn }) {
  const { select } = useActions();
  const setView = useThreads((s) => s.setView);
  const compare = useCompare((s) => s.compare);
  const previous = turn.delta?.previousExchangeId ?? null;
  const open = (compareWithPrevious: boolean) => {
    setView('requests');
    void select(turn.exchangeId);
    if (compareWithPrevious && previous !== null) compare(previous, turn.exchangeId);
  };
  return (
    <section className="turn-panel" aria-label={`Turn ${turn.turn}`}>
      <header className="turn-panel-header">
        <h2>
          Turn {turn.turn}
          <span className="muted">
            {' '}
            · {turn.model ?? 'no model'} · {formatCost(turn.costUsd)}
          </span>
        </h2>
        <button type="button" className="tool-button" onClick={() => open(false)}>
          Open exchange
        </button>
        <button type="button" className="tool-button" disabled={previous === null} onClick={() => open(true)}>
          Diff with previous turn
        </button>
      </header>
      {turn.delta ? (
        <TurnDeltaView delta={turn.delta} />
      ) : (
        <p className="muted">No delta recorded for this turn.</p>
      )}
      {turn.cache ? (
        <CacheVerdictView cache={turn.cache} />
      ) : (
        <p className="muted">No cache verdict recorded.</p>
      )}
      {turn.context ? (
        <ContextBar context={turn.context} />
      ) : (
        <p className="muted">No context breakdown recorded.</p>
      )}
    </section>
  );
}
