/** The export's queue is bounded: with the endpoint stalled, spans beyond it are dropped and counted, the rest arrive later. */
import { afterEach, expect, it, vi } from 'vitest';
import { otelConfigFrom } from '../../../electron/telemetry/otel-config.ts';
import { OtelExport } from '../../../electron/telemetry/otel-export.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../../support/otlp-receiver.ts';
import { sampleRecords } from '../../support/sample-records.ts';

let receiver: OtlpReceiver | null = null;
let exporter: OtelExport | null = null;
afterEach(async () => {
  receiver?.releaseStalled();
  await exporter?.close();
  await receiver?.close();
});

function copy(record: ExchangeRecord, n: number): ExchangeRecord {
  return { ...record, id: `${record.id}-${n}` };
}

it('drops (and counts) what the bounded queue cannot hold while the endpoint stalls, and sends the rest once it answers', async () => {
  receiver = await startOtlpReceiver();
  receiver.mode = 'stall';
  const config = otelConfigFrom({
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
    OTEL_BSP_MAX_QUEUE_SIZE: '2',
    OTEL_BSP_SCHEDULE_DELAY: '1',
    OTEL_EXPORTER_OTLP_TIMEOUT: '60000',
  });
  if (!config) throw new Error('no config');
  exporter = new OtelExport(config, { retryMinMs: 10 });
  const [llm] = sampleRecords();
  if (!llm) throw new Error('no sample');
  expect(exporter.record(copy(llm, 0))).toBe(true);
  await vi.waitFor(() => expect(receiver?.stalled, 'the first export is held').toBe(1), { interval: 5 });
  // The processor waits on the held export: two more fit its queue, the next two do not. The held
  // span is waiting too (a stalled endpoint holds it until its timeout), so three are.
  for (let n = 1; n <= 4; n++) exporter.record(copy(llm, n));
  expect(exporter.status()).toMatchObject({ dropped: 2, queued: 3 });

  receiver.mode = 'ok';
  receiver.releaseStalled();
  await vi.waitFor(
    () =>
      expect(receiver?.spans.map((s) => s.attributes['tokentap.exchange.id']).sort()).toEqual(
        [0, 1, 2].map((n) => `${llm.id}-${n}`),
      ),
    { timeout: 10_000, interval: 10 },
  );
  // The receiver has the spans a moment before the exporter hears its answer.
  await vi.waitFor(
    () =>
      expect(exporter?.status(), 'the exporter to hear the answers').toMatchObject({
        state: 'ok',
        exported: 3,
        dropped: 2,
        queued: 0,
      }),
    { timeout: 10_000, interval: 10 },
  );
});

it('bounds the retry backlog by size too: large spans (message content) beyond it are dropped, the newest kept', async () => {
  receiver = await startOtlpReceiver();
  await receiver.stopListening();
  const config = otelConfigFrom({
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    OTEL_BSP_SCHEDULE_DELAY: '1',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    TOKENTAP_OTEL_RETRY_MAX_MS: '600000',
  });
  if (!config) throw new Error('no config');
  exporter = new OtelExport(config, { maxBacklogChars: 300_000, retryMinMs: 600_000 });
  const [llm] = sampleRecords();
  if (!llm) throw new Error('no sample');
  const body = JSON.stringify({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'q'.repeat(200_000) }],
  });
  for (let n = 0; n < 3; n++) exporter.record({ ...copy(llm, n), request: { ...llm.request, body } });
  await vi.waitFor(
    () =>
      expect(exporter?.status(), 'the failed batch to be kept').toMatchObject({
        state: 'failing',
        dropped: 2,
        queued: 1,
      }),
    { timeout: 10_000, interval: 10 },
  );
});
