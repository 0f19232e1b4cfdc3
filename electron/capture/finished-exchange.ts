import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange-record.ts';
import { summarise } from '../../shared/exchange-summary.ts';
import { type GenAiSpan, genAiSpan } from '../telemetry/genai-span.ts';

/**
 * An exchange's final record as the analysis worker hands it over: serialised there, so the
 * forwarding thread receives one string (a copy, not an object graph to rebuild) and writes it to
 * the session file as it is. Whoever needs the record itself parses `json`.
 */
export interface FinishedExchange {
  readonly summary: ExchangeSummary;
  /** The record as JSON, on one line, without the newline. */
  readonly json: string;
  /**
   * Its OpenTelemetry span, made here while the export is on (null: no GenAI operation), so the
   * export thread is handed a few hundred bytes instead of the record.
   */
  readonly span?: GenAiSpan | null;
}

/** Serialises a finished record; `spanContent` non-null (the export is on) also makes its span, with or without message content. */
export function finishExchange(record: ExchangeRecord, spanContent: boolean | null = null): FinishedExchange {
  const finished = { summary: summarise(record), json: JSON.stringify(record) };
  return spanContent === null ? finished : { ...finished, span: genAiSpan(record, spanContent) };
}

export function recordOf(exchange: FinishedExchange): ExchangeRecord {
  return JSON.parse(exchange.json) as ExchangeRecord;
}
