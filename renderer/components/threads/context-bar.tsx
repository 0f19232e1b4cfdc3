import {
  CONTEXT_PARTS,
  type ContextBreakdown,
  type ContextPart,
} from '../../../shared/threads/thread-types.ts';
import { formatInt } from '../../format.ts';

const PART_WORDS: Record<ContextPart, string> = {
  system: 'System prompt',
  tools: 'Tool definitions',
  messages: 'Messages',
  toolResults: 'Tool results',
  images: 'Images',
};

/** What fills the context: the input split by part as a bar (an estimate), and the largest single items. */
export function ContextBar({ context }: { context: ContextBreakdown }) {
  const total = CONTEXT_PARTS.reduce((sum, part) => sum + (context.parts[part] ?? 0), 0);
  const share = (n: number) => (total === 0 ? 0 : (n / total) * 100);
  return (
    <section className="context-breakdown" aria-labelledby="context-h">
      <h3 id="context-h">What fills the context</h3>
      <p className="muted">
        An estimate ({context.tokenizer}
        {context.scaledTo !== null
          ? `, scaled to the ${formatInt(context.scaledTo)} input tokens reported`
          : ', unscaled: no usage reported'}
        ).
      </p>
      <div className="context-bar" aria-hidden="true">
        {CONTEXT_PARTS.map((part) =>
          (context.parts[part] ?? 0) > 0 ? (
            <span
              key={part}
              className={`context-seg ctx-${part}`}
              style={{ width: `${share(context.parts[part])}%` }}
              title={`${PART_WORDS[part]}: ${formatInt(context.parts[part])} tokens`}
            />
          ) : null,
        )}
      </div>
      <ul className="context-legend" aria-label="Context by part">
        {CONTEXT_PARTS.map((part) => (
          <li key={part}>
            <span className={`tt-swatch ctx-${part}`} aria-hidden="true" />
            {PART_WORDS[part]}: {formatInt(context.parts[part] ?? 0)} tokens (
            {Math.round(share(context.parts[part] ?? 0))}%)
          </li>
        ))}
      </ul>
      {context.largest.length > 0 && (
        <table className="context-largest" aria-label="Largest items">
          <caption>Largest items</caption>
          <thead>
            <tr>
              <th scope="col">Place</th>
              <th scope="col">Part</th>
              <th scope="col" className="num">
                Tokens
              </th>
              <th scope="col" className="num">
                Characters
              </th>
              <th scope="col">Start</th>
            </tr>
          </thead>
          <tbody>
            {context.largest.map((item) => (
              <tr key={item.at}>
                <td>
                  <code>{item.at}</code>
                </td>
                <td>{PART_WORDS[item.part]}</td>
                <td className="num">{formatInt(item.tokens)}</td>
                <td className="num">{formatInt(item.chars)}</td>
                <td className="delta-preview">{item.preview}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
