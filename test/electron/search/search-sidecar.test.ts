/**
 * The search index as it is written: each exchange's trigram signature is made as it finishes
 * and saved by the session writer in the session's sidecar, so the first search after a restart
 * reads no record to rule exchanges out; a sidecar that is torn, damaged, of another version or
 * missing is rebuilt from the records (and saved), never trusted blindly. Real SessionStore,
 * real search worker thread, real files.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishExchange } from '../../../electron/capture/finished-exchange.ts';
import { exchangeSignature } from '../../../electron/search/exchange-signature.ts';
import { ENTRY_BYTES, sidecarPath } from '../../../electron/search/search-sidecar.ts';
import { SearchThread } from '../../../electron/search/search-thread.ts';
import { searchableText } from '../../../electron/search/searchable-text.ts';
import { addSignature, mayContain, SIGNATURE_WORDS } from '../../../electron/search/trigram-signature.ts';
import { INLINE_BYTES, SessionStore } from '../../../electron/sessions/session-store.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { sampleRecords, streamRecord, websocketRecord } from '../../support/sample-records.ts';

let dir: string;
const searches: SearchThread[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokentap-sidecar-'));
});
afterEach(async () => {
  for (const search of searches.splice(0)) await search.close();
  await rm(dir, { recursive: true, force: true });
});

/** One agent conversation, re-sent whole and growing each turn (long messages: message blocks). */
function agentTurns(turns: number): ExchangeRecord[] {
  const base = streamRecord();
  const messages: Array<{ role: string; content: string }> = [
    {
      role: 'system',
      content: `You are a careful agent. The codename is Blue Heron. ${'Rules. '.repeat(80)}`,
    },
  ];
  return Array.from({ length: turns }, (_, turn) => {
    messages.push({
      role: 'user',
      content: `Turn ${turn}: tool output number ${turn * 7919}. ${'log line. '.repeat(300)}`,
    });
    const body = JSON.stringify({ model: 'gpt-4o', stream: true, messages });
    return { ...base, id: `turn-${turn}`, seq: turn + 1, request: { ...base.request, body } };
  });
}

/** Writes records as the current session of a store in `dir`, closes it, and returns the session's files. */
async function writeSession(records: readonly ExchangeRecord[]): Promise<{ id: string; dataPath: string }> {
  const store = await SessionStore.open(dir, () => undefined);
  for (const record of records) store.append(finishExchange(record));
  await store.flush();
  const id = store.currentId;
  const { dataPath } = await store.lines(null);
  await store.close();
  return { id, dataPath };
}

/** The first search of a fresh search thread (as after a restart) over a past session reopened by a fresh store. */
async function searchAfterRestart(sessionId: string, text: string) {
  const store = await SessionStore.open(dir, () => undefined);
  try {
    const { dataPath, entries, blocks, finished } = await store.lines(sessionId);
    const search = new SearchThread();
    searches.push(search);
    const hits = await search.search(dataPath, entries, blocks, text, finished);
    return { ...hits, finished };
  } finally {
    await store.close();
  }
}

/** Full-scan answer: what search must give. */
function scan(records: readonly ExchangeRecord[], text: string): string[] {
  return records.filter((r) => searchableText(r).includes(text.toLowerCase())).map((r) => r.id);
}

describe('signatures made as exchanges finish', () => {
  it('hold every trigram of searchableText (no false negatives), re-sent blocks included', () => {
    const unicode = streamRecord();
    const records: ExchangeRecord[] = [
      ...sampleRecords(),
      websocketRecord(),
      ...agentTurns(4),
      {
        ...unicode,
        id: 'unicode',
        request: {
          ...unicode.request,
          body: JSON.stringify({
            messages: [{ content: `ΟΔΥΣΣΕΥΣ İstanbul "quoted" \\ tab\there ${'Ω'.repeat(300)}` }],
          }),
        },
      },
      {
        ...unicode,
        id: 'not-json',
        request: { ...unicode.request, body: `{"messages": [${'"x", '.repeat(900)} NOT JSON AT ALL` },
      },
    ];
    for (const record of records) {
      const signature = finishExchange(record).signature as Uint32Array;
      // A second time, from the recent blocks' cached signatures: the same bits.
      expect(exchangeSignature(record)).toEqual(signature);
      for (const line of searchableText(record).split('\n')) {
        const needed = new Uint32Array(SIGNATURE_WORDS);
        addSignature(line, needed, 0);
        expect(mayContain(signature, 0, needed), `${record.id}: ${line.slice(0, 60)}`).toBe(true);
      }
    }
  });
});

describe('the search sidecar', () => {
  it('is written with the session (mode 600, one entry per exchange): after a restart search reads no record to rule out', async () => {
    const records = sampleRecords();
    const { id, dataPath } = await writeSession(records);
    const sidecar = sidecarPath(dataPath);
    expect((await stat(sidecar)).mode & 0o777).toBe(0o600);
    expect((await stat(sidecar)).size).toBe(16 + records.length * ENTRY_BYTES);
    const hits = await searchAfterRestart(id, 'capital of MEXICO');
    expect(hits).toMatchObject({ loaded: records.length, rebuilt: 0, finished: true });
    expect(hits.ids).toEqual(scan(records, 'capital of mexico'));
    expect(hits.ids.length).toBeGreaterThan(0);
    // Only what may match was read back.
    expect(hits.candidates).toBeLessThan(records.length);
  });

  it('with a torn tail (a crash mid-write): the missing tail is rebuilt from its records, once, and saved', async () => {
    const records = agentTurns(6);
    const { id, dataPath } = await writeSession(records);
    const sidecar = sidecarPath(dataPath);
    const size = (await stat(sidecar)).size;
    // Half of the last entry is lost.
    await truncate(sidecar, size - ENTRY_BYTES / 2);
    const first = await searchAfterRestart(id, 'turn 5: tool output');
    expect(first).toMatchObject({ ids: ['turn-5'], loaded: 5, rebuilt: 1 });
    expect((await stat(sidecar)).size).toBe(size);
    const again = await searchAfterRestart(id, 'turn 5: tool output');
    expect(again).toMatchObject({ ids: ['turn-5'], loaded: 6, rebuilt: 0 });
  });

  it('with a damaged header, a count beyond the file, a damaged entry, or entries of another session: rebuilt, never believed', async () => {
    const records = sampleRecords();
    const { id, dataPath } = await writeSession(records);
    const sidecar = sidecarPath(dataPath);
    const good = await readFile(sidecar);
    const expected = scan(records, 'capital of mexico');

    const damaged = Buffer.from(good);
    damaged.write('garbage!', 0);
    await writeFile(sidecar, damaged);
    expect(await searchAfterRestart(id, 'capital of mexico')).toMatchObject({
      ids: expected,
      loaded: 0,
      rebuilt: records.length,
    });
    expect(await readFile(sidecar)).toEqual(good);

    // A count that claims more than the file holds, and a torn entry past the whole ones.
    const overCounted = Buffer.from(good.subarray(0, good.length - 10));
    overCounted.writeUInt32LE(1_000_000, 12);
    await writeFile(sidecar, overCounted);
    expect(await searchAfterRestart(id, 'capital of mexico')).toMatchObject({
      ids: expected,
      loaded: records.length - 1,
      rebuilt: 1,
    });

    // One entry's signature zeroed (a damaged sector): that exchange alone is rebuilt, none is missed.
    const zeroed = Buffer.from(good);
    const streamed = records.findIndex((r) => r.id === expected[0]);
    zeroed.fill(0, 16 + streamed * ENTRY_BYTES + 12, 16 + (streamed + 1) * ENTRY_BYTES);
    await writeFile(sidecar, zeroed);
    expect(await searchAfterRestart(id, 'capital of mexico')).toMatchObject({
      ids: expected,
      loaded: records.length - 1,
      rebuilt: 1,
    });
    expect(await readFile(sidecar)).toEqual(good);

    // Every entry's bits set but pointing at other lines (another session's sidecar): none taken.
    const stale = Buffer.from(good);
    for (let at = 16; at < stale.length; at += ENTRY_BYTES) {
      stale.writeUInt32LE(stale.readUInt32LE(at) + 1, at);
      stale.fill(0, at + 8, at + ENTRY_BYTES);
    }
    await writeFile(sidecar, stale);
    expect(await searchAfterRestart(id, 'capital of mexico')).toMatchObject({
      ids: expected,
      loaded: 0,
      rebuilt: records.length,
    });
    expect(await readFile(sidecar)).toEqual(good);
  });

  it('missing (a session of the previous version): rebuilt from the records once, saved mode 600', async () => {
    const records = sampleRecords();
    const { id, dataPath } = await writeSession(records);
    const sidecar = sidecarPath(dataPath);
    const good = await readFile(sidecar);
    await rm(sidecar);
    const first = await searchAfterRestart(id, 'capital of mexico');
    expect(first).toMatchObject({
      ids: scan(records, 'capital of mexico'),
      loaded: 0,
      rebuilt: records.length,
    });
    expect(await readFile(sidecar)).toEqual(good);
    expect((await stat(sidecar)).mode & 0o777).toBe(0o600);
    expect(await searchAfterRestart(id, 'capital of mexico')).toMatchObject({
      loaded: records.length,
      rebuilt: 0,
    });
  });

  it('that can be neither read nor saved: search answers from the records all the same', async () => {
    const records = sampleRecords();
    const { id, dataPath } = await writeSession(records);
    const sidecar = sidecarPath(dataPath);
    await rm(sidecar);
    // A directory where the file should be.
    await mkdir(sidecar);
    const hits = await searchAfterRestart(id, 'capital of mexico');
    expect(hits).toMatchObject({
      ids: scan(records, 'capital of mexico'),
      loaded: 0,
      rebuilt: records.length,
    });
  });

  it('comes with an imported session, small (here) or large (the file worker): its first search reads no record', async () => {
    const small = sampleRecords();
    // Over the inline limit: imported in the session file worker.
    const large = agentTurns(200);
    const store = await SessionStore.open(dir, () => undefined);
    const imported: string[] = [];
    try {
      imported.push((await store.importRecords(small, 'small.jsonl')).id);
      const text = recordsToJsonl(large);
      expect(text.length).toBeGreaterThan(INLINE_BYTES);
      imported.push((await store.importFile({ name: 'large.jsonl', text })).session.id);
    } finally {
      await store.close();
    }
    const first = await searchAfterRestart(imported[0] as string, 'capital of mexico');
    expect(first).toMatchObject({ ids: scan(small, 'capital of mexico'), loaded: small.length, rebuilt: 0 });
    const second = await searchAfterRestart(imported[1] as string, `tool output number ${198 * 7919}.`);
    expect(second).toMatchObject({ ids: ['turn-198', 'turn-199'], loaded: large.length, rebuilt: 0 });
    // No temp file left behind.
    expect((await readdir(join(dir, 'sessions'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('an agent session re-sending its blocks: text only in an old block is found in every turn that re-sends it', async () => {
    const records = agentTurns(8);
    // Stored as message blocks from the second turn on.
    expect(finishExchange(records[1] as ExchangeRecord).blocks?.length).toBeGreaterThan(0);
    const { id } = await writeSession(records);
    const codename = await searchAfterRestart(id, 'codename is blue heron');
    expect(codename).toMatchObject({ loaded: 8, rebuilt: 0 });
    expect(codename.ids).toEqual(records.map((r) => r.id));
    // Turn 2's tool output is in turns 2 … 7, never before.
    const old = await searchAfterRestart(id, `tool output number ${2 * 7919}.`);
    expect(old.ids).toEqual(['turn-2', 'turn-3', 'turn-4', 'turn-5', 'turn-6', 'turn-7']);
    expect(old.ids).toEqual(scan(records, `tool output number ${2 * 7919}.`));
  });
});
