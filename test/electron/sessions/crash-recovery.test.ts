/**
 * kill -9 during heavy streaming traffic, then restart: the session reopens with every exchange
 * that had reached the session file, whether or not its index line had, and a torn last line is
 * skipped, never fatal. How soon an exchange reaches the file after it ends is a measurement, not
 * a test: `node test/bench/crash-durability.ts`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { loadSseFixture } from '../../support/fixtures.ts';
import { startHeadlessProcess } from '../../support/headless-process.ts';

const TOKEN = 'crash-test-token';
let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream({ record: false });
  upstream.respond('POST /v1/chat/completions', {
    chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 4 }),
  });
  dir = await mkdtemp(join(tmpdir(), 'tokentap-crash-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe('crash recovery', () => {
  it('keeps every exchange that reached the session file before a kill -9, and reopens after restart', async () => {
    const env = { TOKENTAP_DATA_DIR: dir, UPSTREAM: upstream.url, TOKENTAP_TOKEN: TOKEN };
    const first = await startHeadlessProcess(env);
    const agent = new Agent({ connections: 64 });
    const endedAt = new Map<string, number>();
    let stop = false;
    // 24 clients stream back to back until the kill.
    const clients = Array.from({ length: 24 }, async (_, client) => {
      for (let i = 0; !stop; i++) {
        const marker = `c${client}-r${i}`;
        try {
          const res = await request(`${first.proxyUrl}/v1/chat/completions`, {
            method: 'POST',
            dispatcher: agent,
            headers: {
              'content-type': 'application/json',
              authorization: 'Bearer sk-crash-test-0123456789abcdef',
            },
            body: JSON.stringify({ model: 'gpt-4o', stream: true, user: marker, messages: [] }),
          });
          await res.body.text();
          endedAt.set(marker, performance.now());
        } catch {
          return; // the kill cut this one
        }
      }
    });
    // Killed under load, the moment the session file holds 40 whole lines (an event, not a guess
    // at the machine's speed); the exchanges in them are what a restart must give back.
    const sessionsDir = join(dir, 'sessions');
    const onDiskBeforeKill = await vi.waitFor(
      async () => {
        const file = (await readdir(sessionsDir)).find((n) => n.endsWith('.jsonl') && !n.includes('index'));
        const text = file ? await readFile(join(sessionsDir, file), 'utf8') : '';
        const whole = text
          .slice(0, text.lastIndexOf('\n') + 1)
          .split('\n')
          .filter(Boolean);
        if (whole.length < 40)
          throw new Error(`waiting for 40 lines in the session file, ${whole.length} so far`);
        return whole.map(
          (line) =>
            (JSON.parse((JSON.parse(line) as { request: { body: string } }).request.body) as { user: string })
              .user,
        );
      },
      { timeout: 20_000, interval: 5 },
    );
    first.child.kill('SIGKILL');
    stop = true;
    expect((await first.exited).signal).toBe('SIGKILL');
    await Promise.all(clients);
    await agent.close();
    expect(endedAt.size).toBeGreaterThanOrEqual(onDiskBeforeKill.length);

    const sessions = (await readdir(join(dir, 'sessions'))).filter(
      (n) => n.endsWith('.jsonl') && !n.includes('index'),
    );
    expect(sessions).toHaveLength(1);
    const sessionId = (sessions[0] as string).replace(/\.jsonl$/, '');
    // Tear the last line the way a crash mid-write would.
    const dataPath = join(dir, 'sessions', sessions[0] as string);
    const { appendFile } = await import('node:fs/promises');
    await appendFile(dataPath, '{"id":"torn-by-the-crash","seq":');

    const second = await startHeadlessProcess(env);
    try {
      const res = await request(`${second.uiUrl}/api/exchanges?session=${sessionId}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.statusCode).toBe(200);
      const summaries = (await res.body.json()) as ExchangeSummary[];
      expect(summaries.every((s) => s.state === 'complete')).toBe(true);
      // Markers live in the request bodies; read them back through the API, as the UI would.
      const markers = new Set<string>();
      for (const summary of summaries) {
        const detail = await request(`${second.uiUrl}/api/exchanges/${summary.id}?session=${sessionId}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        const record = (await detail.body.json()) as { request: { body: string } };
        markers.add((JSON.parse(record.request.body) as { user: string }).user);
      }
      const missing = onDiskBeforeKill.filter((marker) => !markers.has(marker));
      expect(missing).toEqual([]);
      expect(second.output()).toMatch(/incomplete .* skipped/);
      const data = await readFile(dataPath, 'utf8');
      expect(data.endsWith('"seq":')).toBe(true);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 30_000);
});

describe('clean shutdown', () => {
  it('flushes the session on SIGTERM: an exchange that just ended is on disk after exit', async () => {
    const data = await mkdtemp(join(tmpdir(), 'tokentap-sigterm-'));
    try {
      const app = await startHeadlessProcess({
        TOKENTAP_DATA_DIR: data,
        UPSTREAM: upstream.url,
        TOKENTAP_TOKEN: TOKEN,
      });
      const res = await request(`${app.proxyUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', stream: true, user: 'last-one', messages: [] }),
      });
      await res.body.text();
      // At once: well within the 50 ms batching window, so only the shutdown flush can save it.
      app.child.kill('SIGTERM');
      expect((await app.exited).code).toBe(0);
      expect(app.output()).toContain('SIGTERM: flushing the session');
      const names = await readdir(join(data, 'sessions'));
      const file = names.find((n) => n.endsWith('.jsonl') && !n.includes('index')) as string;
      const lines = (await readFile(join(data, 'sessions', file), 'utf8')).trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('last-one');
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  }, 20_000);
});
