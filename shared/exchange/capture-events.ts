/**
 * Events the proxy emits on its forwarding path and the analysis side consumes.
 * `t` is milliseconds since the exchange started (sub-millisecond, monotonic clock).
 * Headers and query here are already redacted; the one exception is `RequestStartEvent.secrets`,
 * which crosses to the analysis worker in memory so that it can scrub those values from
 * everything it keeps, and is never stored.
 */
export type CaptureEvent =
  | RequestStartEvent
  | RequestBodyPartEvent
  | RequestEndEvent
  | ResponseHeadEvent
  | ResponseBodyPartEvent
  | ResponseEndEvent
  | ExchangeErrorEvent
  | WebSocketMessageEvent
  | WebSocketCloseEvent;

export type HeaderMap = Record<string, string | string[]>;

export interface RequestStartEvent {
  type: 'request-start';
  exchangeId: string;
  t: 0;
  /** Wall-clock start, ms since the epoch. */
  startedAt: number;
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  headers: HeaderMap;
  /** Fingerprint of the API key (`sk-…wxyz·3f9a1c`), or null when the request carried none. */
  tenant: string | null;
  organization: string | null;
  project: string | null;
  /** The upstream origin the request is forwarded to (no path, no credentials); absent when not forwarded. */
  upstream?: string;
  /** The route it took: its name (`anthropic`), or `upstream` for the default; absent: not routed. */
  provider?: string;
  /** The route prefix the path starts with (`/anthropic`), stripped before forwarding; absent: none. */
  routePrefix?: string;
  /**
   * The secret values the request carried (each value of a secret header or query parameter, as
   * sent): the analysis scrubs them, and the credentials inside them, from every byte it stores,
   * shows or logs. In memory only, never written anywhere; absent: none.
   */
  secrets?: FoundSecret[];
}

/** A secret value as the redaction found it: the header (lowercased) or query parameter it was in. */
export interface FoundSecret {
  name: string;
  value: string;
}

export interface RequestBodyPartEvent {
  type: 'request-body-part';
  exchangeId: string;
  t: number;
  /** The very Buffer the proxy forwarded; consumers must not mutate it. */
  data: Uint8Array;
}

export interface RequestEndEvent {
  type: 'request-end';
  exchangeId: string;
  t: number;
}

export interface ResponseHeadEvent {
  type: 'response-head';
  exchangeId: string;
  t: number;
  status: number;
  headers: HeaderMap;
}

export interface ResponseBodyPartEvent {
  type: 'response-body-part';
  exchangeId: string;
  t: number;
  data: Uint8Array;
}

export interface ResponseEndEvent {
  type: 'response-end';
  exchangeId: string;
  t: number;
  /** Trailer fields after a chunked body, redacted like headers; absent when there were none. */
  trailers?: HeaderMap;
}

/** Why an exchange did not complete normally. */
export type ExchangeErrorKind =
  /** The client went away before the response ended; the upstream request was aborted. */
  | 'client-aborted'
  /** The upstream could not be reached (DNS, refused, TLS). Answered 502. */
  | 'upstream-unreachable'
  /** The upstream sent no response headers in time. Answered 504. */
  | 'upstream-timeout'
  /** The upstream connection failed after the response started; the client connection was cut. */
  | 'upstream-reset'
  /** The proxy itself failed (a bug); answered 502 when still possible. */
  | 'proxy-error';

export interface ExchangeErrorEvent {
  type: 'exchange-error';
  exchangeId: string;
  t: number;
  kind: ExchangeErrorKind;
  message: string;
}

/** Which end of a relayed WebSocket sent a message or closed it. */
export type WebSocketSide = 'client' | 'server';

/** One WebSocket message the relay passed on (after the `101`), as `ws` delivered it. */
export interface WebSocketMessageEvent {
  type: 'websocket-message';
  exchangeId: string;
  t: number;
  from: WebSocketSide;
  /** A binary message (opcode 2); else text (opcode 1). */
  binary: boolean;
  /** The very Buffer the relay sent on; consumers must not mutate it. */
  data: Uint8Array;
}

/** A relayed WebSocket closed; `response-end` (code 1000) or `exchange-error` follows. */
export interface WebSocketCloseEvent {
  type: 'websocket-close';
  exchangeId: string;
  t: number;
  /** The close code as received (1005: none was sent, 1006: the connection dropped without one). */
  code: number;
  reason: string;
  by: WebSocketSide;
}

/** Where capture events go. `push` must never block or throw into the forwarding path. */
export interface CaptureSink {
  push(event: CaptureEvent): void;
}
