import type { ThreadLink, TurnDelta } from '../../../shared/threads/thread-types.ts';
import { formatInt, formatMs } from '../../format.ts';
import { SideBySide } from './side-by-side.tsx';

const LINK_WORDS: Record<ThreadLink, string> = {
  new: 'First turn of the thread',
  'previous-response-id': 'Linked by previous_response_id',
  conversation: 'Linked by the conversation id',
  'session-id': 'Linked by the client’s session id',
  websocket: 'The same WebSocket connection',
  prefix: 'Linked by prefix: its messages extend the previous turn’s',
};

/** In a few words: `+3 messages, 1 changed`. */
export function deltaWords(delta: TurnDelta | null): string {
  if (delta === null) return '';
  const words = [`+${formatInt(delta.appended.length)}`];
  if (delta.changed.length > 0) words.push(`${delta.changed.length} changed`);
  if (delta.compacted) words.push('compacted');
  if (delta.modelChanged) words.push('model switched');
  return words.join(', ');
}

/** What changed this turn: the messages appended, and anything changed or removed earlier, by its place. */
export function TurnDeltaView({ delta }: { delta: TurnDelta }) {
  return (
    <section className="turn-delta" aria-labelledby="turn-delta-h">
      <h3 id="turn-delta-h">What changed this turn</h3>
      <p className="muted">
        {LINK_WORDS[delta.link]}
        {delta.sincePreviousMs !== null && ` · ${formatMs(delta.sincePreviousMs)} after the previous turn`}
        {delta.compacted && ' · history was compacted'}
      </p>
      {delta.modelChanged && (
        <p className="warn">
          Model switched: {delta.modelChanged[0] ?? '(none)'} → {delta.modelChanged[1] ?? '(none)'}
        </p>
      )}
      {delta.changed.length > 0 && (
        <>
          <h4>Changed earlier in the prefix ({delta.changed.length})</h4>
          <ul className="delta-changes" aria-label="Changed earlier in the prefix">
            {delta.changed.map((change) => (
              <li key={`${change.at}:${change.change}`}>
                <div>
                  <code className="delta-at">{change.at}</code>{' '}
                  <span className={`delta-kind delta-${change.change}`}>{change.change}</span>
                </div>
                <SideBySide
                  before={change.before}
                  after={change.after}
                  label={`${change.at}, previous and this turn`}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Appended ({delta.appended.length})</h4>
      {delta.appended.length === 0 ? (
        <p className="muted">Nothing appended.</p>
      ) : (
        <table className="delta-appended" aria-label="Appended messages">
          <thead>
            <tr>
              <th scope="col">Place</th>
              <th scope="col">Kind</th>
              <th scope="col">Start</th>
              <th scope="col" className="num">
                Characters
              </th>
            </tr>
          </thead>
          <tbody>
            {delta.appended.map((item) => (
              <tr key={item.at}>
                <td>
                  <code>{item.at}</code>
                </td>
                <td>{item.kind === 'echoed-answer' ? 'echoed answer' : item.kind}</td>
                <td className="delta-preview">{item.preview}</td>
                <td className="num">{formatInt(item.chars)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
