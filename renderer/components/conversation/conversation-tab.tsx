import { useMemo, useState } from 'react';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { JsonTree } from '../json-tree/json-tree.tsx';
import { ConversationView } from './conversation-view.tsx';
import { readChat } from './read-chat.ts';

/** The request body parsed as JSON, or undefined when it is not JSON text. */
export function requestJson(record: ExchangeRecord): unknown {
  if (record.request.encoding !== undefined || record.request.body === '') return undefined;
  try {
    return JSON.parse(record.request.body) as unknown;
  } catch {
    return undefined;
  }
}

/** The Conversation tab: the request's messages and the merged answer as a person reads them, or the raw JSON. */
export function ConversationTab({ record }: { record: ExchangeRecord }) {
  const json = useMemo(() => requestJson(record), [record]);
  const chat = useMemo(() => readChat(json, record.merged), [json, record.merged]);
  const [raw, setRaw] = useState(false);
  if (json === undefined)
    return <p className="muted">The request body is not JSON, so there is no conversation to show.</p>;
  return (
    <div className="conversation-tab">
      <div className="conversation-toolbar">
        <button type="button" className="tool-button" aria-pressed={raw} onClick={() => setRaw((v) => !v)}>
          {raw ? 'Show conversation' : 'Raw JSON'}
        </button>
        {record.request.bodyTruncated && (
          <span className="warn">The request body was truncated at capture.</span>
        )}
      </div>
      {raw ? (
        <>
          <JsonTree value={json} label="Request body" />
          {record.merged && (
            <section aria-label="Merged answer JSON">
              <h3>Merged answer</h3>
              <JsonTree value={record.merged} label="Merged answer" />
            </section>
          )}
        </>
      ) : chat === null ? (
        <p className="muted">This request holds no conversation (no messages, contents or input).</p>
      ) : (
        <ConversationView chat={chat} />
      )}
    </div>
  );
}
