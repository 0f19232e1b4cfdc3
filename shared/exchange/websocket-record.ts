import type { WebSocketSide } from './capture-events.ts';

/** One message of a captured WebSocket, in the order the relay passed them on. */
export interface WebSocketMessage {
  from: WebSocketSide;
  /** Arrival, ms since the exchange started. */
  t: number;
  /** Bytes of the message's payload. */
  size: number;
  /** The message's text, or base64 for a binary message; '' when past the capture cap. */
  data: string;
  /** `base64`: a binary message (opcode 2); absent: text (opcode 1). */
  encoding?: 'base64';
  /** The message was past the capture cap: only its size and time are kept. */
  truncated?: true;
}

/** How a captured WebSocket closed. */
export interface WebSocketClose {
  /** The code as received (1005: none was sent; 1006: dropped without a close frame). */
  code: number;
  reason: string;
  by: WebSocketSide;
  t: number;
}

/** What a WebSocket exchange carried after its `101`. */
export interface WebSocketCapture {
  messages: WebSocketMessage[];
  /** Null while the socket is open (or when a recording did not say). */
  close: WebSocketClose | null;
}
