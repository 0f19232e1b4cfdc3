import type { ExchangeErrorKind } from './capture-events.ts';

/**
 * Where an exchange is in its life, and why it ended when it did not complete: one union
 * discriminated on `state`, so that a state and its error can never disagree, and the one place
 * that says what each state means. Summaries and records both carry it (`state` and `error`).
 *
 * Each fact has one encoding: "aborted" is `state: 'aborted'` (the client went away; no error kind,
 * no integrity flag), "failed" is `state: 'error'` with the proxy's or the upstream's account.
 * Records written before this union (an aborted exchange with `error.kind: 'client-aborted'` and a
 * `client-closed` flag) are brought to it where they are read: `exchange-record-upgrade.ts`.
 */

/** Every state, in the order an exchange goes through them. */
export const EXCHANGE_STATES = ['pending', 'streaming', 'complete', 'error', 'aborted'] as const;
export type ExchangeState = (typeof EXCHANGE_STATES)[number];

/** The error kind of an exchange the upstream answered with an HTTP error status (4xx, 5xx). */
export const UPSTREAM_HTTP_ERROR = 'upstream-http-error';

/** The name an aborted exchange's failure goes by in filters and exports (`error:client-aborted`). */
export const CLIENT_ABORTED = 'client-aborted';

/**
 * An HTTP error the upstream answered with: the exchange reached the provider and was refused.
 * `type` and `code` are the provider's own words, read from its error body (OpenAI
 * `error.type`/`error.code`, Anthropic `error.type`, Gemini `error.status` and the reason of its
 * `ErrorInfo`), null where the body names none (plain text, HTML).
 */
export interface UpstreamHttpError {
  kind: typeof UPSTREAM_HTTP_ERROR;
  status: number;
  type: string | null;
  code: string | null;
  message: string;
}

/** A failure the proxy saw itself: the upstream unreachable, timed out or reset, or the proxy's own bug. */
export interface ProxyFailure {
  kind: Exclude<ExchangeErrorKind, typeof CLIENT_ABORTED>;
  message: string;
}

/** Why a failed exchange failed: the proxy's side of it, or the upstream's HTTP error. */
export type ExchangeFailure = ProxyFailure | UpstreamHttpError;

/** How an aborted exchange ended, in words (who: the client, is the state itself). */
export interface ClientAbort {
  message: string;
}

/** Not ended yet: waiting for the response head, or receiving its body. */
export interface LiveLifecycle {
  state: 'pending' | 'streaming';
  error: null;
}

/** Ended normally. */
export interface CompleteLifecycle {
  state: 'complete';
  error: null;
}

/**
 * Ended in failure. `error` is null when the response itself said so in-band (the record's
 * `streamError`: Anthropic's `error` event, `response.failed`) with no failure of its own.
 */
export interface FailedLifecycle {
  state: 'error';
  error: ExchangeFailure | null;
}

/** Ended because the client went away before the response did; the upstream request was aborted. */
export interface AbortedLifecycle {
  state: 'aborted';
  error: ClientAbort;
}

/** Where an exchange is in its life: the `state` and `error` of a summary or record. */
export type ExchangeLifecycle = LiveLifecycle | CompleteLifecycle | FailedLifecycle | AbortedLifecycle;

/** True while the exchange has not ended. */
export function isLive<T extends ExchangeLifecycle>(exchange: T): exchange is Extract<T, LiveLifecycle> {
  return exchange.state === 'pending' || exchange.state === 'streaming';
}

/** True while a streamed response (SSE, NDJSON, a WebSocket) is arriving: its head is in, its end is not. */
export function isStreaming<T extends ExchangeLifecycle>(exchange: T): exchange is Extract<T, LiveLifecycle> {
  return exchange.state === 'streaming';
}

/** True once the exchange has ended, however it ended. */
export function isEnded<T extends ExchangeLifecycle>(
  exchange: T,
): exchange is Exclude<T, Extract<T, LiveLifecycle>> {
  return !isLive(exchange);
}

/** True for an exchange that ended normally. */
export function isComplete<T extends ExchangeLifecycle>(
  exchange: T,
): exchange is Extract<T, CompleteLifecycle> {
  return exchange.state === 'complete';
}

/** True for an exchange that failed: the proxy's failure, the upstream's HTTP error, or an error inside the response. */
export function isFailed<T extends ExchangeLifecycle>(exchange: T): exchange is Extract<T, FailedLifecycle> {
  return exchange.state === 'error';
}

/** True for an exchange the client walked away from. */
export function isAborted<T extends ExchangeLifecycle>(
  exchange: T,
): exchange is Extract<T, AbortedLifecycle> {
  return exchange.state === 'aborted';
}

/** True for an exchange the upstream answered with an HTTP error status (and the provider's error). */
export function isUpstreamHttpError<T extends ExchangeLifecycle>(
  exchange: T,
): exchange is Extract<T, FailedLifecycle> & { error: UpstreamHttpError } {
  return exchange.state === 'error' && exchange.error?.kind === UPSTREAM_HTTP_ERROR;
}

/** The proxy's own account of a failed exchange (unreachable, timed out, reset …), or null. */
export function proxyFailureOf(exchange: ExchangeLifecycle): ProxyFailure | null {
  const error = exchange.state === 'error' ? exchange.error : null;
  return error !== null && error.kind !== UPSTREAM_HTTP_ERROR ? error : null;
}

/** The name of how an exchange failed (`upstream-timeout`, `upstream-http-error`, `client-aborted`), or null. */
export function failureKindOf(
  exchange: ExchangeLifecycle,
): ExchangeErrorKind | typeof UPSTREAM_HTTP_ERROR | null {
  if (exchange.state === 'aborted') return CLIENT_ABORTED;
  return exchange.state === 'error' ? (exchange.error?.kind ?? null) : null;
}

/** The lifecycle an `exchange-error` capture event ends an exchange in: aborted when the client went away, else failed. */
export function endedByEvent(kind: ExchangeErrorKind, message: string): FailedLifecycle | AbortedLifecycle {
  return kind === CLIENT_ABORTED
    ? { state: 'aborted', error: { message } }
    : { state: 'error', error: { kind, message } };
}

/** Puts a lifecycle on an exchange under construction: its state and error together, so they never disagree. */
export function setLifecycle(exchange: ExchangeLifecycle, lifecycle: ExchangeLifecycle): void {
  Object.assign(exchange, { state: lifecycle.state, error: lifecycle.error });
}

/** The lifecycle of an exchange, as a new object (what a summary copies from its record). */
export function lifecycleOf(exchange: ExchangeLifecycle): ExchangeLifecycle {
  // `exchange` is one member of the union already; the copy is that same member.
  return { state: exchange.state, error: exchange.error } as ExchangeLifecycle;
}
