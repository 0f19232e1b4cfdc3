/** A trace-only backend (Langfuse, Phoenix) answers 404 to /v1/metrics: metrics turn off, the export is not "failing". */
import { afterEach, expect, it } from 'vitest';
import { otelConfigFrom } from '../../../electron/telemetry/otel-config.ts';
import { OtelExport } from '../../../electron/telemetry/otel-export.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../../support/otlp-receiver.ts';
import { sampleRecords } from '../../support/sample-records.ts';

let receiver: OtlpReceiver | null = null;
let exporter: OtelExport | null = null;
afterEach(async () => {
  await exporter?.close();
  await receiver?.close();
});

it('turns metrics off on a 404 from the metrics endpoint, says so once, and keeps sending spans', async () => {
  receiver = await startOtlpReceiver();
  receiver.metricsAnswer = 404;
  const config = otelConfigFrom({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
  });
  if (!config) throw new Error('no config');
  const logs: string[] = [];
  exporter = new OtelExport(config, { log: (line) => logs.push(line) });
  const [llm] = sampleRecords();
  if (!llm) throw new Error('no sample');
  exporter.record(llm);
  await exporter.flush();
  expect(receiver.metricsRefused).toBe(1);
  expect(receiver.spans).toHaveLength(1);
  expect(exporter.status()).toMatchObject({ state: 'ok', error: null, exported: 1 });
  expect(logs.filter((line) => line.includes('takes no metrics (HTTP 404)'))).toHaveLength(1);

  exporter.record({ ...llm, id: `${llm.id}-2` });
  await exporter.flush();
  expect(receiver.metricsRefused, 'no more metrics are sent there').toBe(1);
  expect(receiver.spans).toHaveLength(2);
});

it('OTEL_METRICS_EXPORTER=none sends no metrics at all; OTEL_TRACES_EXPORTER=none no spans', () => {
  expect(
    otelConfigFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_METRICS_EXPORTER: 'none' }),
  ).toMatchObject({
    tracesUrl: 'http://x:4318/v1/traces',
    metricsUrl: '',
  });
  expect(
    otelConfigFrom({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_TRACES_EXPORTER: 'none',
    }),
  ).toBeNull();
});
