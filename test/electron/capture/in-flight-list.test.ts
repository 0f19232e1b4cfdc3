import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { blockFiles } from '../../support/analyzers/worker-blocking.ts';
import { createGate } from '../../support/gate.ts';
import { type Harness, startHarness } from '../../support/tokentap-harness.ts';

const name = `list-${process.pid}`;
const files = blockFiles(name);
let h: Harness | undefined;
afterEach(async () => {
  // Whatever happened, the worker is let go before the service stops.
  await writeFile(files.unblock, '');
  await h?.close();
  h = undefined;
  await rm(files.blocked, { force: true });
  await rm(files.unblock, { force: true });
});

describe('the exchanges in flight', () => {
  it('are listed from the main thread: a listing answers while the analysis worker is busy', async () => {
    await rm(files.unblock, { force: true });
    h = await startHarness({
      analyzersModule: new URL('../../support/analyzers/worker-blocking.ts', import.meta.url),
    });
    const { upstream, proxyUrl, service } = h;
    const gate = createGate();
    const event = (content: string) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta: { content } }] })}\n\n`;
    upstream.respond(`POST /block-the-analysis-worker/${name}`, {
      kind: 'gated',
      gate,
      headers: { 'content-type': 'text/event-stream' },
      chunks: [event('one'), event(' two'), 'data: [DONE]\n\n'],
    });
    const response = fetch(`${proxyUrl}/block-the-analysis-worker/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [] }),
    });
    gate.release();
    const list = () => service.handlers['exchanges.list'](null);
    await vi.waitFor(async () => expect((await list()).map((s) => s.state)).toEqual(['streaming']), {
      timeout: 5000,
      interval: 20,
      message: 'waiting for the stream to be listed in flight',
    });
    // The second chunk holds the worker thread: nothing it would be asked could be answered now.
    gate.release();
    await vi.waitFor(() => expect(existsSync(files.blocked)).toBe(true), {
      timeout: 5000,
      interval: 10,
      message: 'waiting for the analysis worker to be blocked',
    });
    const listed = await list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ state: 'streaming', model: 'gpt-4o' });

    await writeFile(files.unblock, '');
    gate.releaseAll();
    await (await response).text();
    const record = await h.nextRecord();
    expect(record.id).toBe(listed[0]?.id);
    expect(record.response?.body).toContain(' two');
    expect((await list()).map((s) => [s.id, s.state])).toEqual([[record.id, 'complete']]);
  });
});
