import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { type OtelSettings, otelConfigFrom } from './otel-config.ts';
import { OtelExport } from './otel-export.ts';

/** Records made into spans between flushes: the batch processor's queue is never outrun. */
const FLUSH_EVERY = 256;

export interface SendResult {
  /** Exchanges that were GenAI operations and became spans. */
  spans: number;
  /** Exchanges skipped (plain HTTP, transcriptions). */
  skipped: number;
  /** Spans the endpoint accepted. */
  exported: number;
  /** The endpoint's error, when it did not take them all. */
  error: string | null;
  endpoint: string;
}

/**
 * Sends saved records to the configured OTLP endpoint (`tokentap export … --format otlp`: the
 * settings dialog's, each field overridden by its OTEL_* variable, as for live export), in
 * pieces so a session of any size goes out in bounded memory; each piece is tried once with the
 * exporter's own retries (a CLI run does not wait for an endpoint to come back).
 */
export async function sendRecords(
  records: AsyncIterable<ExchangeRecord>,
  env: NodeJS.ProcessEnv,
  settings: OtelSettings = {},
): Promise<SendResult> {
  const config = otelConfigFrom(env, settings);
  if (!config)
    throw new Error(
      'no OTLP endpoint is set: set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318) or the endpoint in the settings dialog',
    );
  const exporter = new OtelExport(config, { maxBacklog: FLUSH_EVERY * 4, maxQueue: FLUSH_EVERY * 2 });
  let spans = 0;
  let skipped = 0;
  try {
    for await (const record of records) {
      if (exporter.record(record)) spans++;
      else skipped++;
      if (spans > 0 && spans % FLUSH_EVERY === 0) {
        await exporter.flush();
        if (exporter.status().state === 'failing') break;
      }
    }
  } finally {
    // Sends what is left (spans, then metrics), each tried once.
    await exporter.close();
  }
  const status = exporter.status();
  return {
    spans,
    skipped,
    exported: status.exported,
    error:
      status.state === 'failing' || status.exported < spans
        ? (status.error ?? 'not every span was accepted')
        : null,
    endpoint: status.endpoint,
  };
}
