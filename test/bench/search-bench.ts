/**
 * Full-text search on the session the sessions benchmark builds (100,000 exchanges with 20 KB
 * bodies; 10,000 with BENCH_QUICK=1): written by its generator in a child process, then searched
 * through the product's SearchThread as `text:"…"` is answered. Reports the first query (which
 * builds the index), then queries that match nothing, one exchange's worth of text that every
 * generated exchange shares (the worst case: all read back), and the index's memory. Prints and
 * writes bench-results/search.json; a measurement, never a failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchThread } from '../../electron/search/search-thread.ts';
import { loadIndex } from '../../electron/sessions/session-index.ts';

const dir = await mkdtemp(join(tmpdir(), 'tokentap-bench-search-'));
const search = new SearchThread();
try {
  const generator = join(import.meta.dirname, 'sessions-bench.ts');
  const written = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', generator, 'write', dir], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1) as string,
  ) as { sessionId: string; fileMb: number };
  const dataPath = join(dir, 'sessions', `${written.sessionId}.jsonl`);
  const { entries, blocks } = await loadIndex(
    dataPath,
    join(dir, 'sessions', `${written.sessionId}.index.jsonl`),
  );
  const timed = async (text: string) => {
    const started = performance.now();
    const { ids, candidates } = await search.search(dataPath, entries, blocks, text);
    return { text, ms: Math.round(performance.now() - started), hits: ids.length, candidates };
  };
  const first = await timed('no such words anywhere');
  const misses = [];
  for (const text of ['no such words anywhere', 'quarterly revenue forecast', 'zebra'])
    misses.push(await timed(text));
  const everywhere = await timed('capital of mexico');
  const results = { exchanges: entries.length, fileMb: written.fileMb, first, misses, everywhere };
  console.log(
    `\nFull-text search: ${entries.length.toLocaleString('en')} exchanges (${written.fileMb} MB session, the sessions bench's generator)`,
  );
  console.log(`  first query (builds the index)   ${first.ms} ms`);
  for (const m of misses)
    console.log(`${`  "${m.text}"`.padEnd(36)}${m.ms} ms, ${m.hits} hits (${m.candidates} read back)`);
  console.log(
    `${`  "${everywhere.text}"`.padEnd(36)}${everywhere.ms} ms, ${everywhere.hits} hits (in every generated exchange: all read back)`,
  );
  const out = new URL('../../bench-results/', import.meta.url);
  await mkdir(out, { recursive: true });
  await writeFile(new URL('search.json', out), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await search.close();
  await rm(dir, { recursive: true, force: true });
}
