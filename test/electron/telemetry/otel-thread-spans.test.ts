/**
 * The export thread is handed spans, not records: a coding agent's multi-megabyte turn costs the
 * forwarding thread a few hundred bytes of message, and the thread runs below forwarding's priority.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';
import { exchangeChars, finishExchange } from '../../../electron/capture/finished-exchange.ts';
import { otelConfigFrom } from '../../../electron/telemetry/otel-config.ts';
import { OtelThread } from '../../../electron/telemetry/otel-thread.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../../support/otlp-receiver.ts';
import { streamRecord } from '../../support/sample-records.ts';

let receiver: OtlpReceiver | null = null;
let thread: OtelThread | null = null;
afterEach(async () => {
  await thread?.close();
  thread = null;
  await receiver?.close();
});

/** Nice values of this process's threads (Linux keeps one per thread). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((task) => {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      // nice is field 19 of the line: the 17th after the command name's closing parenthesis.
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return [];
    }
  });
}

it('exports a 4 MB agent turn through an in-flight bound of 1 MB: only its span crosses to the thread', async () => {
  receiver = await startOtlpReceiver();
  const config = otelConfigFrom({
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
    OTEL_BSP_SCHEDULE_DELAY: '1',
  });
  if (!config) throw new Error('no config');
  const lowBefore = threadNices().filter((nice) => nice > 0).length;
  thread = new OtelThread(config, { log: () => {}, onStatus: () => {}, maxInFlightChars: 2 ** 20 });
  const record = streamRecord();
  const body = JSON.stringify({
    model: 'gpt-4o',
    stream: true,
    temperature: 0.2,
    messages: [{ role: 'user', content: 'tool output '.repeat(350_000) }],
  });
  const turn = { ...record, request: { ...record.request, body } };
  const finished = finishExchange(turn, false);
  // Its line and message blocks: what handing over the record would have cost.
  expect(exchangeChars(finished)).toBeGreaterThan(4_000_000);
  thread.offer(finished);
  await vi.waitFor(() => expect(receiver?.spans, 'the span of the large turn').toHaveLength(1), {
    timeout: 15_000,
    interval: 20,
  });
  expect(receiver.spans[0]?.attributes).toMatchObject({
    'tokentap.exchange.id': record.id,
    'gen_ai.request.temperature': 0.2,
  });
  expect(thread.status().dropped).toBe(0);
  // The export thread lowered its own priority (the forwarding thread wins the CPU).
  await vi.waitFor(() =>
    expect(threadNices().filter((nice) => nice > 0).length, 'a thread below normal priority').toBeGreaterThan(
      lowBefore,
    ),
  );
});

it('hands over nothing for an exchange finished while the export was off (no span was made)', async () => {
  receiver = await startOtlpReceiver();
  const config = otelConfigFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` });
  if (!config) throw new Error('no config');
  thread = new OtelThread(config, { log: () => {}, onStatus: () => {} });
  thread.offer(finishExchange(streamRecord()));
  expect(thread.status()).toMatchObject({ queued: 0, dropped: 0 });
});
