/**
 * Closing the service lets every worker thread it started exit on its own (exit code 0), the
 * analysis worker, the search thread, a session file job and the OpenTelemetry thread: none is
 * cut off by `worker.terminate()` (exit code 1), which stops a thread wherever it is, native work
 * included, and under load has crashed the whole process with SIGSEGV.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { startHeadlessHarness } from '../support/headless-harness.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { waitForStored } from '../support/stored-exchanges.ts';

/** The exit code of each worker thread started while the test listens. */
const exits: Array<Promise<number>> = [];
function onWorker(message: unknown): void {
  const { worker } = message as { worker: Worker };
  exits.push(new Promise((resolve) => worker.once('exit', resolve)));
}

/** Over a MiB, so the export is made by a session file worker (smaller ones are made in place). */
const ANSWER = `Mexico City ${'and more '.repeat(150_000)}`;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  unsubscribe('worker_threads', onWorker);
  await receiver?.close();
});

it('closing the service has each of its worker threads exit on its own', async () => {
  subscribe('worker_threads', onWorker);
  receiver = await startOtlpReceiver();
  const h = await startHeadlessHarness(undefined, {}, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  try {
    h.upstream.respond('POST /v1/chat/completions', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1_780_000_000,
        model: 'gpt-4.1',
        choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      }),
    });
    await h.openai.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'capital of Mexico?' }],
    });
    await waitForStored(h, 1);
    // The search thread starts on the first search, a session file worker for an export.
    expect(await (await h.api('/api/search?text=mexico')).json()).toHaveLength(1);
    const exported = await h.service.handlers['export.build']({ format: 'jsonl', session: null, ids: null });
    expect(exported.content).toContain(ANSWER);
  } finally {
    await h.close();
  }
  const ended = await Promise.all(exits);
  expect(ended, 'the analysis, OpenTelemetry, search and file job threads, each exited with 0').toEqual([
    0, 0, 0, 0,
  ]);
});
