/**
 * Two Tokentaps on one data directory (the desktop app and `npm run serve` share it by default):
 * each sees the other's current session as live and read-only (never deletable, read afresh as
 * it grows), and once its owner is killed with -9 it reads as finished at once.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProxyStatus, SessionInfo } from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { type HeadlessProcess, startHeadlessProcess } from '../../support/headless-process.ts';

const TOKEN = 'two-instances-token';
let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream({ record: false });
  upstream.respond('POST /v1/chat/completions', {
    body: JSON.stringify({ id: 'x', object: 'chat.completion', choices: [], model: 'gpt-4o' }),
    headers: { 'content-type': 'application/json' },
  });
  dir = await mkdtemp(join(tmpdir(), 'tokentap-two-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

async function api<T>(
  app: HeadlessProcess,
  method: string,
  path: string,
): Promise<{ status: number; body: T }> {
  const res = await request(`${app.uiUrl}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : null) as T };
}

async function send(app: HeadlessProcess): Promise<void> {
  const res = await request(`${app.proxyUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
  });
  expect(res.statusCode).toBe(200);
  await res.body.text();
}

describe('two instances on one data directory', () => {
  it('shows the other live session as live and read-only, refreshes it, and finished once its owner is killed', async () => {
    const env = { TOKENTAP_DATA_DIR: dir, UPSTREAM: upstream.url, TOKENTAP_TOKEN: TOKEN };
    const owner = await startHeadlessProcess(env);
    const other = await startHeadlessProcess(env);
    try {
      const ownerSession = (await api<ProxyStatus>(owner, 'GET', '/api/status')).body.session.id;
      await send(owner);
      const seen = async () =>
        (await api<SessionInfo[]>(other, 'GET', '/api/sessions')).body.find((s) => s.id === ownerSession);
      expect(await seen()).toMatchObject({ current: false, liveElsewhere: { pid: owner.child.pid } });

      const refused = await api<{ error: { message: string } }>(
        other,
        'DELETE',
        `/api/sessions/${ownerSession}`,
      );
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.body.error.message).toMatch(/live in another Tokentap/);
      expect(await readdir(join(dir, 'sessions'))).toContain(`${ownerSession}.jsonl`);

      // Reads of a live session are fresh: what the owner captures next shows up here.
      const list = async () =>
        (await api<ExchangeSummary[]>(other, 'GET', `/api/exchanges?session=${ownerSession}`)).body;
      await vi.waitFor(async () => expect(await list(), "the owner's first exchange").toHaveLength(1));
      await send(owner);
      await send(owner);
      await vi.waitFor(async () => expect(await list(), 'the two captured since').toHaveLength(3));
      expect(await seen()).toMatchObject({ exchanges: 3 });

      owner.child.kill('SIGKILL');
      expect((await owner.exited).signal).toBe('SIGKILL');
      // The OS closed the owner's socket with it: finished at once, then deletable.
      const after = await seen();
      expect(after).toMatchObject({ current: false, exchanges: 3 });
      expect(after?.liveElsewhere).toBeUndefined();
      expect((await api(other, 'DELETE', `/api/sessions/${ownerSession}`)).status).toBeLessThan(300);
      expect((await readdir(join(dir, 'sessions'))).filter((n) => n.startsWith(ownerSession))).toEqual([]);
    } finally {
      owner.child.kill('SIGKILL');
      other.child.kill('SIGTERM');
      await other.exited;
    }
  }, 30_000);

  it('a clean stop lets the session go: it reads as finished', async () => {
    const env = { TOKENTAP_DATA_DIR: dir, UPSTREAM: upstream.url, TOKENTAP_TOKEN: TOKEN };
    const first = await startHeadlessProcess(env);
    const firstSession = (await api<ProxyStatus>(first, 'GET', '/api/status')).body.session.id;
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await startHeadlessProcess(env);
    try {
      const sessions = (await api<SessionInfo[]>(second, 'GET', '/api/sessions')).body;
      const info = sessions.find((s) => s.id === firstSession);
      expect(info).toMatchObject({ current: false });
      expect(info?.liveElsewhere).toBeUndefined();
      expect((await readdir(join(dir, 'sessions'))).filter((n) => n.includes(firstSession))).toEqual([
        `${firstSession}.index.jsonl`,
        `${firstSession}.jsonl`,
        `${firstSession}.search.bin`,
      ]);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 30_000);
});
