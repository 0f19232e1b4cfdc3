/**
 * Replay mode reads a request body to match it, so it caps what it reads: past the cap the client
 * gets a clear 413 at once, the rest of the upload is read and dropped (memory stays flat), and
 * bodies under the cap are matched as before.
 */
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLAY_BODY_LIMIT } from '../../../electron/replay/replay-responder.ts';
import { readFixtureText } from '../../support/fixtures.ts';
import { startHarness } from '../../support/tokentap-harness.ts';
import { type ReplayHarness, startReplayHarness } from './replay-support.ts';

let r: ReplayHarness | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** POSTs `total` bytes in 64 KiB pieces (one reused buffer), as fast as the proxy takes them; resolves with the answer. */
function upload(url: string, total: number): Promise<{ status: number; body: string }> {
  const piece = Buffer.alloc(64 * 1024, 0x61);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(total) },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        body += text;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The proxy closes once it has answered: a write after that fails, which is expected.
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)));
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += piece.length;
        if (!req.write(sent <= total ? piece : piece.subarray(0, total - (sent - piece.length)))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('the replay request body cap', () => {
  it('is the capture cap by default', () => {
    expect(REPLAY_BODY_LIMIT).toBe(16 * 1024 * 1024);
  });

  it('answers 413 past the cap without holding the body, and still matches bodies under it', async () => {
    const h = await startHarness();
    let records: Awaited<ReturnType<typeof h.nextRecord>>[];
    const request = {
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user' as const, content: 'Invent a holiday.' }],
    };
    try {
      h.upstream.respond('POST /v1/chat/completions', {
        body: readFixtureText('openai-chat-nonstream.json'),
        headers: { 'content-type': 'application/json' },
      });
      await h.openai.chat.completions.create(request);
      records = [await h.nextRecord()];
    } finally {
      await h.close();
    }
    r = await startReplayHarness(records, { maxBodyBytes: 1024 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    const answer = await upload(r.proxyUrl, 200 * 1024 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 'request_too_large', message: expect.stringContaining('up to 1048576 bytes') },
    });
    // 200 MiB went in; what the proxy holds did not grow with it.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${r.proxyUrl}/v1`, maxRetries: 0 });
    const replayed = await openai.chat.completions.create(request).withResponse();
    expect(replayed.response.headers.get('x-tokentap-replay')).toBe(records[0]?.id);
  }, 60_000);
});
