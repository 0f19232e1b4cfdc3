import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { CaptureSink, ExchangeErrorKind, HeaderMap } from '../../shared/exchange/capture-events.ts';
import type { ResolvedRoute } from './routes.ts';

/** A request the proxy has read in full before deciding who answers it. */
export interface BufferedRequest {
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Reports a response the proxy did not forward, as the capture events a forwarded one makes. */
export interface ResponseTap {
  head(status: number, headers: HeaderMap): void;
  data(chunk: Buffer): void;
  end(): void;
  error(kind: ExchangeErrorKind, message: string): void;
}

/** A response produced inside Tokentap (a replay, a replay miss). */
export interface ProxyAnswer {
  /** Writes the response to the client and reports it through `tap`; the request is already reported. */
  send(res: ServerResponse, tap: ResponseTap): void;
}

/**
 * Consulted by the proxy, when set, for every request before it goes upstream: replay mode.
 * Without one, the proxy forwards exactly as before (the body streamed, never buffered).
 */
export interface ProxyResponder {
  /** The answer to this request, or null to forward it to the upstream and capture it as usual. */
  answerFor(request: BufferedRequest): ProxyAnswer | null;
  /** The most request body bytes read to decide (beyond: 413, the rest read and dropped); absent: no cap. */
  readonly maxBodyBytes?: number;
  /**
   * A WebSocket upgrade (already past the request policy): true when the responder took the
   * socket (a replayed session, a miss's 404), false to relay it upstream; absent: always relayed.
   */
  answerUpgrade?(req: IncomingMessage, socket: Socket, head: Buffer, capture: UpgradeCapture): boolean;
}

/** Where a WebSocket the responder takes is captured, and the route it would have taken. */
export interface UpgradeCapture {
  sink: CaptureSink;
  route: ResolvedRoute;
}

/** A tap that pushes one exchange's response events, timed from `t0` (performance.now()). */
export function responseTap(sink: CaptureSink, exchangeId: string, t0: number): ResponseTap {
  const now = () => performance.now() - t0;
  return {
    head: (status, headers) => sink.push({ type: 'response-head', exchangeId, t: now(), status, headers }),
    data: (data) => sink.push({ type: 'response-body-part', exchangeId, t: now(), data }),
    end: () => sink.push({ type: 'response-end', exchangeId, t: now() }),
    error: (kind, message) => sink.push({ type: 'exchange-error', exchangeId, t: now(), kind, message }),
  };
}
