import { useState } from 'react';
import type { WebSocketCapture, WebSocketMessage } from '../../../shared/exchange/websocket-record.ts';
import { countOf, formatBytes, formatMs } from '../../format.ts';

const PAGE = 500;

/** What a message is: the `type` of a JSON event (Realtime, Responses), else text or binary. */
export function messageKind(message: WebSocketMessage): string {
  if (message.encoding === 'base64') return 'binary';
  if (message.data.startsWith('{')) {
    const type = /^\{\s*"type"\s*:\s*"([^"\\]{1,80})"/.exec(message.data)?.[1];
    if (type !== undefined) return type;
    try {
      const json: unknown = JSON.parse(message.data);
      if (typeof json === 'object' && json !== null && 'type' in json && typeof json.type === 'string')
        return json.type;
    } catch {
      // Not JSON: plain text.
    }
  }
  return 'text';
}

/** A WebSocket's messages in order: direction, arrival, size, type and text (rendered as text, never HTML). */
export function WebSocketMessages({ websocket }: { websocket: WebSocketCapture }) {
  const [shown, setShown] = useState(PAGE);
  const { messages, close } = websocket;
  return (
    <>
      <table className="wire-table" aria-label="WebSocket messages">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">From</th>
            <th scope="col">Arrived</th>
            <th scope="col">Size</th>
            <th scope="col">Type</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {messages.slice(0, shown).map((message, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: messages are positional
            <tr key={i} className={`ws-${message.from}`}>
              <td className="num muted">{i + 1}</td>
              <td>{message.from === 'client' ? '↑ client' : '↓ server'}</td>
              <td className="num">{formatMs(message.t)}</td>
              <td className="num">{formatBytes(message.size)}</td>
              <td>{messageKind(message)}</td>
              <td className="wire-data">
                {message.truncated ? <span className="muted">(past the capture cap)</span> : message.data}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {messages.length > shown && (
        <button type="button" className="tool-button" onClick={() => setShown((s) => s + PAGE * 4)}>
          Show more ({messages.length - shown} more messages)
        </button>
      )}
      <p className="muted">
        {close === null
          ? 'Open.'
          : `Closed by the ${close.by} with code ${close.code}${close.reason ? ` (${close.reason})` : ''} at ${formatMs(close.t)}.`}
      </p>
    </>
  );
}

/** The heading of the messages section. */
export function webSocketHeading(websocket: WebSocketCapture): string {
  return `WebSocket messages (${countOf(websocket.messages.length, 'message')})`;
}
