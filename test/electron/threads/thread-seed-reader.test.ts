import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readThreadSeeds } from '../../../electron/threads/thread-seed-reader.ts';
import { summarise } from '../../../shared/exchange/exchange-summary.ts';
import type { ThreadRef } from '../../../shared/threads/thread-types.ts';
import { jsonRecord } from '../../support/sample-records.ts';

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const resume = { key: `${'a'.repeat(14)}.${'b'.repeat(14)}.${'c'.repeat(14)}`, messages: 3 };
const line = (id: string, thread: ThreadRef) =>
  `${JSON.stringify({ o: 0, n: 1, s: summarise({ ...jsonRecord(), id, api: 'openai.chat', thread }) })}\n`;

describe('thread seeds read from a session index', () => {
  it('finds each thread’s latest turn and its title, past block lines and a line torn by a crash', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokentap-seeds-'));
    const index = join(dir, 's.index.jsonl');
    await writeFile(
      index,
      [
        line('e1', { id: 'thr_a', turn: 1, parentId: null, title: 'First thread', resume }),
        `${JSON.stringify({ o: 1, n: 1, b: 'blockhash' })}\n`,
        line('e2', { id: 'thr_b', turn: 1, parentId: 'thr_a', title: 'Its sub-agent', resume }),
        line('e3', { id: 'thr_a', turn: 2, parentId: null, resume: { ...resume, messages: 5 } }),
        // Before threads had resume keys: seeds nothing.
        line('e4', { id: 'thr_c', turn: 1, parentId: null, title: 'Old' }),
        line('e5', { id: 'thr_b', turn: 2, parentId: 'thr_a', resume }),
        line('e6', { id: 'thr_b', turn: 3, parentId: 'thr_a', resume }).slice(0, -40),
      ].join(''),
    );
    const seeds = await readThreadSeeds(index);
    expect(seeds.map((s) => [s.id, s.turn, s.exchangeId, s.title, s.parentId, s.resume.messages])).toEqual([
      ['thr_a', 2, 'e3', 'First thread', null, 5],
      ['thr_b', 2, 'e5', 'Its sub-agent', 'thr_a', 3],
    ]);
    expect(await readThreadSeeds(index, 1)).toHaveLength(1);
    expect(await readThreadSeeds(join(dir, 'missing.index.jsonl'))).toEqual([]);
  });
});
