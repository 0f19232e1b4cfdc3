import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import { summarise } from '../../shared/exchange-summary.ts';
import { RESENT_FROM_HEADER } from '../../shared/tokentap-headers.ts';
import { resendNonce } from '../resend/resend-request.ts';

/**
 * An exchange's final record as the analysis worker hands it over: serialised there, so the
 * forwarding thread receives one string (a copy, not an object graph to rebuild) and writes it to
 * the session file as it is; what main needs besides (the summary, a resend's nonce) rides along.
 */
export interface FinishedExchange {
  readonly summary: ExchangeSummary;
  /** The record as JSON, on one line, without the newline. */
  readonly json: string;
  /** The nonce of a resend's link header (what the resender waits for), read here so nobody parses `json` for it. */
  readonly resendNonce: string | null;
}

/** Summarises and serialises a final record, once, in the worker. */
export function finishExchange(record: ExchangeRecord): FinishedExchange {
  return {
    summary: summarise(record),
    json: JSON.stringify(record),
    resendNonce:
      record.resentFrom === undefined ? null : resendNonce(record.request.headers[RESENT_FROM_HEADER]),
  };
}
