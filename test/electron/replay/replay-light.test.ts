/**
 * Replaying a session from disk holds what matching needs, not the session: each recording's
 * response is read back from its line when it answers, byte for byte as recorded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { finishExchange } from '../../../electron/capture/finished-exchange.ts';
import { loadReplaySource } from '../../../electron/replay/replay-source.ts';
import { SessionStore } from '../../../electron/sessions/session-store.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { streamRecord } from '../../support/sample-records.ts';
import { type ReplayHarness, startReplayHarness } from './replay-support.ts';

let r: ReplayHarness | undefined;
let dir = '';
afterEach(async () => {
  await r?.close();
  r = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('replaying a session from disk', () => {
  it('holds only what matching needs, and answers with the recorded bytes read back from the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokentap-replay-light-'));
    const template = streamRecord();
    const bigBody = 'r'.repeat(1024 * 1024);
    // `user` is ignored when matching: the question tells the recordings apart.
    const bodyOf = (i: number) =>
      JSON.stringify({
        ...JSON.parse(template.request.body),
        messages: [{ role: 'user', content: `question ${i}` }],
      });
    const records: ExchangeRecord[] = Array.from({ length: 40 }, (_, i) => ({
      ...template,
      id: `light-${i}`,
      seq: i + 1,
      request: { ...template.request, body: bodyOf(i) },
      response: template.response && { ...template.response, body: bigBody },
      chunks: template.chunks.map((c) => ({ ...c, data: `${c.data}: ${i}\n\n` })),
    }));
    const store = await SessionStore.open(dir, () => {});
    for (const record of records) store.append(finishExchange(record));
    const sessionId = store.currentId;
    await store.close();

    const source = await loadReplaySource(sessionId, dir, () => {});
    expect(source.records).toHaveLength(40);
    // 40 MB of session; what replay keeps is a small fraction of it.
    const held = source.records.reduce((sum, record) => sum + JSON.stringify(record).length, 0);
    expect(held).toBeLessThan(1024 * 1024);

    r = await startReplayHarness(source.records);
    for (const i of [7, 31]) {
      const res = await request(`${r.proxyUrl}${template.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bodyOf(i),
      });
      expect(res.headers['x-tokentap-replay']).toBe(`light-${i}`);
      expect(await res.body.text()).toBe((records[i] as ExchangeRecord).chunks.map((c) => c.data).join(''));
    }
  }, 30_000);
});
