/**
 * The capture events of one HTTP exchange as the proxy hands them to the analysis: for tests and
 * benches that drive the capture pipeline or the analysis worker without a proxy.
 */

import type { QueuedEvent } from '../../electron/capture/capture-queue.ts';
import type { RequestStartEvent } from '../../shared/exchange/capture-events.ts';

/** A POST /v1/chat/completions request-start with JSON content, no key; `more` adds or replaces fields. */
export function requestStart(exchangeId: string, more: Partial<RequestStartEvent> = {}): RequestStartEvent {
  return {
    type: 'request-start',
    exchangeId,
    t: 0,
    startedAt: Date.now(),
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    tenant: null,
    organization: null,
    project: null,
    ...more,
  };
}

/** A whole exchange: the request (`start`), its body in one part, a 200 JSON answer in one part. */
export function jsonExchange(
  start: RequestStartEvent,
  requestBody: Buffer,
  responseBody: Buffer,
): QueuedEvent[] {
  const { exchangeId } = start;
  return [
    start,
    { type: 'request-body-part', exchangeId, t: 0.1, data: requestBody },
    { type: 'request-end', exchangeId, t: 0.2 },
    { type: 'response-head', exchangeId, t: 1, status: 200, headers: { 'content-type': 'application/json' } },
    { type: 'response-body-part', exchangeId, t: 1.1, data: responseBody },
    { type: 'response-end', exchangeId, t: 1.2 },
  ];
}
