import type { ExchangeRecord } from '../../../shared/exchange-record.ts';
import { BodyView } from './body-view.tsx';
import { type Conversation, type Part, readConversation } from './conversation.ts';
import { HeadersTable } from './headers-table.tsx';
import { prettyJson } from './json-view.tsx';

function PartView({ part }: { part: Part }) {
  switch (part.kind) {
    case 'text':
      return <div className="msg-text">{part.text}</div>;
    case 'tool-call':
      return (
        <div className="msg-tool-call">
          <div className="msg-tool-head">
            calls <strong>{part.name}</strong>
            {part.id && <span className="muted"> · {part.id}</span>}
          </div>
          <pre className="code-block small">{prettyJson(part.args).pretty}</pre>
        </div>
      );
    case 'tool-result':
      return (
        <div className="msg-tool-result">
          <div className="msg-tool-head">result{part.id && <span className="muted"> · {part.id}</span>}</div>
          <pre className="code-block small">{prettyJson(part.text).pretty}</pre>
        </div>
      );
    case 'other':
      return (
        <div className="msg-other">
          <div className="msg-tool-head">{part.label}</div>
          <pre className="code-block small">{prettyJson(part.json).pretty}</pre>
        </div>
      );
  }
}

/** The messages as a conversation and the tools offered. */
export function ConversationView({ conversation }: { conversation: Conversation }) {
  return (
    <>
      <ol className="conversation" aria-label="Messages">
        {conversation.turns.map((turn, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages have no identity but their place
          <li key={i} className={`msg msg-${turn.role}`}>
            <div className="msg-role">
              {turn.role}
              {turn.name && <span className="muted"> ({turn.name})</span>}
            </div>
            <div className="msg-body">
              {turn.parts.length === 0 ? (
                <span className="muted">(empty)</span>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity but their place
                turn.parts.map((part, j) => <PartView key={j} part={part} />)
              )}
            </div>
          </li>
        ))}
      </ol>
      {conversation.tools.length > 0 && (
        <section aria-label="Tools offered">
          <h3>Tools offered ({conversation.tools.length})</h3>
          <ul className="tools-offered">
            {conversation.tools.map((tool) => (
              <li key={tool.name}>
                <details>
                  <summary>
                    <strong>{tool.name}</strong>
                    {tool.description && <span className="muted"> — {tool.description}</span>}
                  </summary>
                  <pre className="code-block small">{JSON.stringify(tool.parameters, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** Request headers, the conversation (when the body is a chat), and the body as a JSON tree. */
export function RequestTab({ record }: { record: ExchangeRecord }) {
  const text = record.request.encoding === undefined;
  const { json, ok } = text ? prettyJson(record.request.body) : { json: undefined, ok: false };
  const conversation = ok ? readConversation(json) : null;
  return (
    <div className="request-tab">
      {conversation && (
        <section aria-labelledby="req-conv">
          <h3 id="req-conv">Conversation</h3>
          <ConversationView conversation={conversation} />
        </section>
      )}
      <section aria-labelledby="req-headers">
        <h3 id="req-headers">
          {record.method} {record.path}
        </h3>
        <HeadersTable headers={record.request.headers} label="Request headers" />
      </section>
      <section aria-labelledby="req-body">
        <h3 id="req-body">
          Body{record.request.bodyTruncated && <span className="warn"> (truncated at capture)</span>}
        </h3>
        <BodyView captured={record.request} label="Request body" name={`${record.id}-request`} />
      </section>
    </div>
  );
}
