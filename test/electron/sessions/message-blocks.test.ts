/**
 * An agent re-sends its whole conversation every turn: the session file stores each message block
 * once and later records refer to it, so it grows with what is new. Every reader gets the exact
 * body back: the detail, the HAR and JSONL exports, an import of the export, an import of the
 * session file itself, and a session whose index was lost (read from the data file alone).
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';

let h: HeadlessHarness;
beforeEach(async () => {
  h = await startHeadlessHarness();
  h.upstream.respond('POST /v1/chat/completions', {
    body: JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Done.' }, finish_reason: 'stop' }],
    }),
  });
});
afterEach(async () => {
  await h.close();
});

const TURNS = 12;

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await h.api(path, init);
  expect(response.ok, `${path}: ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

const listed = (count: number, session: string | null = null): Promise<ExchangeSummary[]> =>
  waitForStored(h, count, { session });

/** The request bodies of a conversation of TURNS turns, as the SDK sent them upstream. */
async function converse(): Promise<string[]> {
  type Message = { role: 'system' | 'user' | 'assistant'; content: string };
  const messages: Message[] = [
    // A quote, a backslash, an escaped newline and a non-ASCII character in the re-sent text.
    { role: 'system', content: `You are a "careful" agent.\\ Rules:\n${'Follow the rules. é '.repeat(150)}` },
  ];
  for (let turn = 0; turn < TURNS; turn++) {
    messages.push({ role: 'user', content: `Turn ${turn}: ${'here is the tool output. '.repeat(120)}` });
    // The SDK's own model name, a tool list and the stream flag around the messages, as agents send.
    await h.openai.chat.completions.create({ model: 'gpt-4o', messages, temperature: 0 });
    messages.push({ role: 'assistant', content: `Answer ${turn}: ${'I changed the file. '.repeat(40)}` });
  }
  return Promise.all(h.upstream.requests.map(async (r) => (await r.bodyComplete).toString('utf8')));
}

async function sessionFiles(): Promise<{ data: string; index: string }> {
  const dir = join(h.dataDir, 'sessions');
  const names = await readdir(dir);
  const data = names.find((n) => n.endsWith('.jsonl') && !n.endsWith('.index.jsonl')) as string;
  return { data: join(dir, data), index: join(dir, data.replace(/\.jsonl$/, '.index.jsonl')) };
}

async function bodiesOf(list: readonly ExchangeSummary[], query = ''): Promise<string[]> {
  const bodies: string[] = [];
  for (const summary of list)
    bodies.push((await json<ExchangeRecord>(`/api/exchanges/${summary.id}${query}`)).request.body);
  return bodies;
}

async function importFile(name: string, content: string): Promise<string> {
  const imported = await json<{ session: { id: string } }>(`/api/import?name=${name}`, {
    method: 'POST',
    body: content,
  });
  return imported.session.id;
}

describe('message blocks stored once', () => {
  it('keeps a re-sent conversation in a fraction of its size, and gives every body back exactly', async () => {
    const sent = await converse();
    const list = await listed(TURNS);
    const { data } = await sessionFiles();
    const naive = sent.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
    const stored = (await stat(data)).size;
    // 12 turns of a conversation growing by ~4 KB: each turn adds one block, the file a little more
    // (each record's own fields, its thread analysis among them, are ~2 KB of it).
    expect(stored).toBeLessThan(naive * 0.35);
    const lines = (await readFile(data, 'utf8')).trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('{"block":')).length).toBeGreaterThanOrEqual(TURNS);

    expect(await bodiesOf(list)).toEqual(sent);

    // Exports are whole records, self-contained.
    const exported = await (await h.api('/api/export?format=jsonl')).text();
    const exportedRecords = exported
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ExchangeRecord);
    expect(exportedRecords.map((r) => r.request.body)).toEqual(sent);
    expect(exported).not.toContain('bodyBlocks');
    const har = (await (await h.api('/api/export?format=har')).json()) as {
      log: { entries: Array<{ request: { postData?: { text: string } } }> };
    };
    expect(har.log.entries.map((e) => e.request.postData?.text)).toEqual(sent);

    // The export imports back, and so does the session file as it is (block lines and all).
    for (const [name, content] of [
      ['export.jsonl', exported],
      ['session.jsonl', await readFile(data, 'utf8')],
    ] as const) {
      const session = await importFile(name, content);
      const query = `?session=${encodeURIComponent(session)}`;
      const importedList = await listed(TURNS, session);
      expect(await bodiesOf(importedList, query)).toEqual(sent);
    }
  });

  it('reads a session whose index was lost from its data file alone, blocks included', async () => {
    const sent = await converse();
    await listed(TURNS);
    const { data } = await sessionFiles();
    // A past session with its data file and no index (as after a crash before the index was written).
    const session = await importFile('session.jsonl', await readFile(data, 'utf8'));
    const dir = join(h.dataDir, 'sessions');
    await rm(join(dir, `${session}.index.jsonl`));
    const query = `?session=${encodeURIComponent(session)}`;
    expect(await bodiesOf(await listed(TURNS, session), query)).toEqual(sent);
  });

  it('imports a session file written before blocks existed (each body whole on its line)', async () => {
    const old = await readFile(
      new URL('../../fixtures/sessions/before-blocks.jsonl', import.meta.url),
      'utf8',
    );
    const session = await importFile('old.jsonl', old);
    const query = `?session=${encodeURIComponent(session)}`;
    const oldRecords = old
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ExchangeRecord);
    const list = await listed(oldRecords.length, session);
    expect(await bodiesOf(list, query)).toEqual(oldRecords.map((r) => r.request.body));
    // Re-stored with blocks, read back the same.
    const dir = join(h.dataDir, 'sessions');
    const stored = await readFile(join(dir, `${session}.jsonl`), 'utf8');
    expect(stored).toContain('{"block":');
  });

  it('refuses a JSONL line that refers to a block no earlier line has, naming the line', async () => {
    const line = JSON.stringify({ id: 'x', request: { bodyBlocks: ['{"messages":[', { b: 'nope' }, ']}'] } });
    const response = await h.api('/api/import?name=bad.jsonl', { method: 'POST', body: `${line}\n` });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/line 1: message block nope is missing/);
  });
});
