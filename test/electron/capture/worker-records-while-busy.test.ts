/**
 * An analysis worker that is behind (batches keep arriving faster than it analyses them) still
 * hands its finished records over as it goes. Node delivers a port's queued messages in one go, so
 * a worker that only sent records on a timer held every record finished meanwhile: under agent
 * traffic it ran out of heap, and none of those exchanges reached the session file.
 */
import { describe, expect, it } from 'vitest';
import { type FromWorker, packEvents, type ToWorker } from '../../../electron/capture/analysis-protocol.ts';
import type { QueuedEvent } from '../../../electron/capture/capture-queue.ts';
import { startAnalysisWorker, stopAnalysisWorker } from '../../support/analysis-worker.ts';
import { jsonExchange, requestStart } from '../../support/exchange-events.ts';

const TURNS = 16;

/** One agent turn's events: a ~300 KB conversation, a short answer. */
function agentTurn(exchangeId: string): QueuedEvent[] {
  const request = JSON.stringify({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'the conversation so far, re-sent. '.repeat(9_000) }],
  });
  const response = JSON.stringify({
    id: `chatcmpl-${exchangeId}`,
    object: 'chat.completion',
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Done.' }, finish_reason: 'stop' }],
  });
  return jsonExchange(requestStart(exchangeId), Buffer.from(request), Buffer.from(response));
}

describe('the analysis worker under a backlog', () => {
  it('sends records while batches are still waiting, not only once its queue is empty', async () => {
    const worker = startAnalysisWorker();
    try {
      const received: FromWorker[] = [];
      const answered = new Promise<void>((resolve, reject) => {
        worker.on('message', (message: FromWorker) => {
          received.push(message);
          if (message.type === 'answer') resolve();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before answering`)));
      });
      // All of it queued at once: the worker finds a backlog of TURNS batches.
      for (let i = 0; i < TURNS; i++) {
        const batch = packEvents(agentTurn(`turn-${i}`), new Set());
        worker.postMessage(batch satisfies ToWorker, [batch.bytes]);
      }
      worker.postMessage({ type: 'query', id: 1, query: 'idle' } satisfies ToWorker);
      await answered;
      const deliveries = received.filter((m) => m.type === 'records').map((m) => m.exchanges.length);
      expect(deliveries.reduce((a, b) => a + b, 0)).toBe(TURNS);
      // About a megabyte at a time (3-4 of these turns), never the whole backlog in one message.
      expect(Math.max(...deliveries)).toBeLessThanOrEqual(4);
    } finally {
      await stopAnalysisWorker(worker);
    }
  });
});
