import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import { summarise } from '../../shared/exchange-summary.ts';

/**
 * An exchange's final record as the analysis worker hands it over: serialised there, so the
 * forwarding thread receives one string (a copy, not an object graph to rebuild) and writes it to
 * the session file as it is. Whoever needs the record itself parses `json`.
 */
export interface FinishedExchange {
  readonly summary: ExchangeSummary;
  /** The record as JSON, on one line, without the newline. */
  readonly json: string;
}

export function finishExchange(record: ExchangeRecord): FinishedExchange {
  return { summary: summarise(record), json: JSON.stringify(record) };
}

export function recordOf(exchange: FinishedExchange): ExchangeRecord {
  return JSON.parse(exchange.json) as ExchangeRecord;
}
