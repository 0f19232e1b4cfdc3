import type { WebSocketCapture, WebSocketClose, WebSocketMessage } from '../exchange/websocket-record.ts';
import { base64Length } from '../wire/body-bytes.ts';

/**
 * A WebSocket message as Chrome DevTools writes it in a HAR entry's `_webSocketMessages`: `send`
 * is the client's, `receive` the server's, `time` in seconds since the epoch, `opcode` 1 for text
 * and 2 for binary (`data` then base64). Tokentap adds `_t` (ms since the exchange started,
 * exact), `_size` and `_truncated` so that its own HAR imports back losslessly.
 */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  data: string;
  _t?: number;
  _size?: number;
  _truncated?: true;
}

/** The entry fields of a WebSocket exchange: Chrome's `_webSocketMessages`, and Tokentap's `_webSocketClose`. */
export function harWebSocketFields(
  websocket: WebSocketCapture,
  startedAtMs: number,
): {
  _resourceType: 'websocket';
  _webSocketMessages: HarWebSocketMessage[];
  _webSocketClose?: WebSocketClose;
} {
  const fields: ReturnType<typeof harWebSocketFields> = {
    _resourceType: 'websocket',
    _webSocketMessages: websocket.messages.map((message) => {
      const har: HarWebSocketMessage = {
        type: message.from === 'client' ? 'send' : 'receive',
        time: (startedAtMs + message.t) / 1000,
        opcode: message.encoding === 'base64' ? 2 : 1,
        data: message.data,
        _t: message.t,
        _size: message.size,
      };
      if (message.truncated) har._truncated = true;
      return har;
    }),
  };
  if (websocket.close) fields._webSocketClose = websocket.close;
  return fields;
}

/**
 * The messages of an entry's `_webSocketMessages` (Chrome's, or Tokentap's with its extras), in
 * Tokentap's form; null when the entry has none. Throws naming what is wrong.
 */
export function messagesFromHar(value: unknown, startedAtMs: number): WebSocketMessage[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) throw new Error('field `_webSocketMessages` must be an array');
  return value.map((raw: unknown, i) => {
    const where = `field \`_webSocketMessages[${i}]\``;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${where} must be an object`);
    const { type, time, opcode, data, _t, _size, _truncated } = raw as Record<string, unknown>;
    if (type !== 'send' && type !== 'receive') throw new Error(`${where}.type must be send or receive`);
    if (typeof data !== 'string') throw new Error(`${where}.data must be a string`);
    if (opcode !== 1 && opcode !== 2) throw new Error(`${where}.opcode must be 1 (text) or 2 (binary)`);
    const t =
      typeof _t === 'number'
        ? _t
        : typeof time === 'number'
          ? Math.max(0, round(time * 1000 - startedAtMs))
          : 0;
    const size =
      typeof _size === 'number' ? _size : opcode === 2 ? base64Length(data) : encoder.encode(data).byteLength;
    const message: WebSocketMessage = { from: type === 'send' ? 'client' : 'server', t, size, data };
    if (opcode === 2) message.encoding = 'base64';
    if (_truncated === true) message.truncated = true;
    return message;
  });
}

const encoder = new TextEncoder();

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
