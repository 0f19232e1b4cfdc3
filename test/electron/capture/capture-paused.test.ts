/**
 * Pausing capture: exchanges that start while it is paused are forwarded whole but never captured,
 * and their events stop on the forwarding thread (their bodies are neither queued nor handed to the
 * analysis worker to be thrown away there); an exchange already in flight is captured to its end.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Gate } from '../../support/gate.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';
import { type Harness, startHarness } from '../../support/tokentap-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const STREAM_PARTS = Array.from({ length: 6 }, (_, i) => `data: {"part":${i}}\n\n`);

describe('capture paused', () => {
  it('forwards what starts while paused without capturing or queueing it, and captures what was in flight to its end', async () => {
    // A small queue bound: a body handed to the stalled analysis side would not fit, and be dropped.
    h = await startHarness({ queueBytes: 128 * 1024 });
    const { upstream, proxyUrl, service } = h;
    const gate = new Gate();
    upstream.respond('POST /v1/in-flight', {
      kind: 'gated',
      chunks: STREAM_PARTS,
      gate,
      headers: { 'content-type': 'text/event-stream' },
    });
    upstream.respond('POST /v1/files', {
      body: '{"id":"file-1"}',
      headers: { 'content-type': 'application/json' },
    });
    upstream.respond('POST /v1/after', {
      body: '{"ok":true}',
      headers: { 'content-type': 'application/json' },
    });

    gate.release(1);
    const inFlight = await request(`${proxyUrl}/v1/in-flight`, { method: 'POST', body: '{}' });
    const streamed = inFlight.body[Symbol.asyncIterator]();
    let received = String((await streamed.next()).value);
    // Its start and first part have reached the analysis side: it began before the pause.
    await service.analysis.idle();
    await service.handlers['capture.setPaused'](true);
    // Analysis stalls too: anything handed over now would wait in the queue, or be dropped past its bound.
    service.analysis.queue.pause();

    const upload = Buffer.from('a file the agent uploads while capture is paused\n'.repeat(20_000));
    const uploaded = await request(`${proxyUrl}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: upload,
    });
    expect(await uploaded.body.text()).toBe('{"id":"file-1"}');
    expect(
      upstream.requests.find((r) => r.path === '/v1/files')?.body.equals(upload),
      'forwarded whole',
    ).toBe(true);
    expect(service.analysis.queue.droppedParts, 'no body part of the paused exchange was queued').toBe(0);
    expect(service.analysis.queue.length, 'nothing of the paused exchange waits for the analysis side').toBe(
      0,
    );

    service.analysis.queue.resume();
    await service.handlers['capture.setPaused'](false);
    gate.releaseAll();
    for (let part = await streamed.next(); !part.done; part = await streamed.next())
      received += String(part.value);
    expect(received).toBe(STREAM_PARTS.join(''));
    const after = await request(`${proxyUrl}/v1/after`, { method: 'POST', body: '{}' });
    expect(await after.body.text()).toBe('{"ok":true}');

    const stored = await waitForStored(service, 2);
    expect(stored.map((s) => s.path).sort()).toEqual(['/v1/after', '/v1/in-flight']);
    const record = await service.handlers['exchanges.get'](
      stored.find((s) => s.path === '/v1/in-flight')?.id ?? '',
      null,
    );
    expect(record?.response?.body, 'the exchange in flight when capture paused, captured to its end').toBe(
      STREAM_PARTS.join(''),
    );
  });
});
