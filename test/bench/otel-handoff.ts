/**
 * What handing finished exchanges to the OpenTelemetry export costs the forwarding thread: 2,000
 * exchanges with 256 KB requests offered to the real export thread (its endpoint stalled), the
 * forwarding thread's own CPU (process.threadCpuUsage) per exchange, and the export thread's
 * (the process's CPU minus this thread's). A measurement, never a failure.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { finishExchange } from '../../electron/capture/finished-exchange.ts';
import { otelConfigFrom } from '../../electron/telemetry/otel-config.ts';
import { OtelThread } from '../../electron/telemetry/otel-thread.ts';
import { startOtlpReceiver } from '../support/otlp-receiver.ts';
import { streamRecord } from '../support/sample-records.ts';

const COUNT = 2000;
const receiver = await startOtlpReceiver();
receiver.mode = 'stall';
const config = otelConfigFrom({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
});
if (!config) throw new Error('no config');
const thread = new OtelThread(config, { log: () => {}, onStatus: () => {} });
const template = streamRecord();
const body = JSON.stringify({
  model: 'gpt-4o',
  stream: true,
  messages: [{ role: 'user', content: 'x'.repeat(256 * 1024) }],
});
// Made beforehand, as the analysis worker makes them: only the hand-over is measured.
const exchanges = Array.from({ length: COUNT }, (_, i) =>
  finishExchange({ ...template, id: `x-${i}`, request: { ...template.request, body } }, false),
);
// The export thread takes spans once its SDK has loaded: one offered and taken says it is ready.
thread.offer(finishExchange({ ...template, id: 'warm-up' }, false));
await thread.taken();
const cpu = () => {
  const t = process.threadCpuUsage();
  const p = process.cpuUsage();
  return { thread: (t.user + t.system) / 1000, process: (p.user + p.system) / 1000 };
};
const before = cpu();
const started = performance.now();
for (let i = 0; i < COUNT; i += 8) {
  for (let j = i; j < i + 8; j++) thread.offer(exchanges[j] as (typeof exchanges)[number]);
  await turn();
}
await thread.taken(); // the export thread has taken everything it was given
const after = cpu();
const forwarding = after.thread - before.thread;
const others = after.process - before.process - forwarding;
console.log(
  `OpenTelemetry hand-over, ${COUNT} exchanges with 256 KB requests: forwarding thread ${((forwarding / COUNT) * 1000).toFixed(0)} µs/exchange, other threads ${((others / COUNT) * 1000).toFixed(0)} µs/exchange (${Math.round(performance.now() - started)} ms wall); status ${JSON.stringify(thread.status())}`,
);
receiver.releaseStalled();
await thread.close();
await receiver.close();
